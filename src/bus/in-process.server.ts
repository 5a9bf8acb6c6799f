import { ConsumeMessage } from 'amqplib';
import { HEADERS } from './bus.constants';
import { BusMetrics } from './bus.metrics';
import { BusServer, BusServerOptions, RawCopy } from './bus.server';
import { InProcessBroker } from './in-process.broker';

/**
 * The server strategy without a broker (no AMQP_URL): same topology, routing, retry and
 * dead-letter rules as `AmqpServer`, on the process's `InProcessBroker`. Single process only.
 */
export class InProcessServer extends BusServer {
  private consumerTag: string | null = null;

  constructor(
    private readonly broker: InProcessBroker,
    options: BusServerOptions,
    metrics: BusMetrics,
  ) {
    super(options, metrics);
  }

  listen(callback: (error?: unknown) => void): void {
    const { queue } = this.options;
    let bindings: { exchange: string; routingKey: string }[];
    try {
      bindings = this.bindings();
    } catch (error) {
      callback(error);
      return;
    }
    this.broker.assertQueue(queue);
    this.broker.assertQueue(this.retryPolicy.deadLetterQueue);
    for (const extra of this.extraQueues) {
      this.broker.assertQueue(extra.name);
      for (const binding of extra.bindings ?? [])
        this.broker.bindQueue(extra.name, binding.exchange, binding.routingKey);
    }
    for (const binding of bindings) this.broker.bindQueue(queue, binding.exchange, binding.routingKey);
    this.consumerTag = this.broker.consume(queue, this.effectivePrefetch, (message) =>
      this.track(this.handleMessage(message)),
    );
    callback();
  }

  async handleMessage(message: ConsumeMessage): Promise<void> {
    const exchangeHandler = this.exchangeHandlerFor(message);
    if (exchangeHandler) {
      const outcome = await this.runExchangeHandler(exchangeHandler, message);
      if (outcome.kind === 'forward') for (const copy of outcome.copies) this.publishCopy(copy);
      return;
    }
    const replyTo = message.properties.replyTo as string | undefined;
    const outcome = await this.dispatch(message, null, async (packet) => {
      if (replyTo)
        this.broker.sendToQueue(replyTo, Buffer.from(JSON.stringify(packet)), {
          correlationId: message.properties.correlationId as string,
        });
    });
    if (outcome.kind === 'done') {
      this.metrics.onConsumed(outcome.pattern);
    } else if (outcome.kind === 'retry') {
      const headers = this.failureHeaders(message, {
        [HEADERS.retryCount]: outcome.decision.attempt,
        [HEADERS.lastError]: outcome.error,
      });
      this.broker.sendToQueueLater(this.options.queue, outcome.decision.delayMs, message.content, {
        ...message.properties,
        headers,
      });
      this.metrics.onRetried(outcome.pattern);
    } else {
      const headers = this.failureHeaders(message, {
        [HEADERS.deathReason]: outcome.reason,
        [HEADERS.lastError]: outcome.error,
        [HEADERS.failedAt]: new Date().toISOString(),
      });
      this.broker.sendToQueue(this.retryPolicy.deadLetterQueue, message.content, {
        ...message.properties,
        headers,
      });
      this.metrics.onDeadLettered(outcome.reason);
    }
  }

  private publishCopy(copy: RawCopy): void {
    const { persistent, ...rest } = copy.properties;
    const properties = { ...rest, deliveryMode: persistent ? 2 : undefined };
    if (copy.delay)
      this.broker.publishLater(copy.exchange, copy.routingKey, copy.delay.ms, copy.content, properties);
    else if (copy.toQueue !== undefined) this.broker.sendToQueue(copy.toQueue, copy.content, properties);
    else this.broker.publish(copy.exchange, copy.routingKey, copy.content, properties);
  }

  async close(): Promise<void> {
    if (this.consumerTag) this.broker.cancel(this.consumerTag);
    this.consumerTag = null;
    await this.waitForRunningHandlers();
  }

  unwrap<T>(): T {
    return this.broker as T;
  }

  get isConnected(): boolean {
    return true;
  }
}
