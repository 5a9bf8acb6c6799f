import { ConfirmChannel, ConsumeMessage } from 'amqplib';
import { AmqpConnection } from './amqp-connection';
import { BatchedAcks } from './batched-acks';
import { HEADERS, JSON_CONTENT_TYPE, STARTUP_CONNECT_WAIT_MS } from './bus.constants';
import { describeError } from './bus.errors';
import { BusMetrics } from './bus.metrics';
import { DeliveryCounter } from './delivery-counter';
import {
  BusServer,
  BusServerOptions,
  DispatchOutcome,
  ExchangeHandler,
  RawCopy,
  ReplyPacket,
} from './bus.server';

export interface AmqpServerOptions extends BusServerOptions {
  readonly url: string;
  /** Shown in the broker's management UI as the connection name. */
  readonly connectionName?: string;
  /** Bound on how long start-up waits for the first connection (default 10 s). */
  readonly startupConnectWaitMs?: number;
  /** Counts redeliveries across restarts (the database); none: a crashing message loops. */
  readonly deliveryCounter?: DeliveryCounter;
}

/**
 * The RabbitMQ server strategy: one durable topic exchange, one durable queue per service bound
 * to the handlers' patterns, delay queues for retries and `dead_letter_<queue>` for parked
 * messages. Method names follow nestjs/nest `server-rmq.ts`.
 */
export class AmqpServer extends BusServer {
  readonly connection: AmqpConnection;
  private consumerTag: string | null = null;
  /** The acks of the current channel (a new channel after each reconnect). */
  private acks: BatchedAcks | null = null;
  /** The end of the line of redeliveries waiting to run alone. */
  private redeliveryTurn: Promise<void> = Promise.resolve();

  constructor(options: AmqpServerOptions, metrics: BusMetrics) {
    super(options, metrics);
    this.connection = new AmqpConnection(options.url, options.connectionName ?? `${options.queue}-server`);
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      await this.start(callback);
    } catch (error) {
      callback(error);
    }
  }

  /**
   * Waits a bounded time for the first connection, so a healthy start has its queue declared
   * before the app serves traffic; a broker that is down only delays start-up by that much
   * (readiness stays down and the connection keeps trying in the background).
   */
  async start(callback?: () => void): Promise<void> {
    this.bindings(); // a handler pattern that cannot be a routing key fails start-up, not every reconnect
    this.connection.addSetup((session) => this.setupChannel(session.channel));
    const connected = this.connection.start();
    const waitMs = (this.options as AmqpServerOptions).startupConnectWaitMs ?? STARTUP_CONNECT_WAIT_MS;
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<'timeout'>(
      (resolve) => (timer = setTimeout(() => resolve('timeout'), waitMs)),
    );
    const first = await Promise.race([connected, waited]).finally(() => clearTimeout(timer));
    if (first === 'timeout') {
      connected.catch(() => undefined);
      this.logger.error(`no broker after ${waitMs} ms; starting anyway and consuming once it is reachable`);
    }
    callback?.();
  }

  /** Declares the whole topology (idempotent), then consumes; runs again after every reconnect. */
  async setupChannel(channel: ConfirmChannel): Promise<void> {
    const { exchange, queue } = this.options;
    await channel.assertExchange(exchange, 'topic', { durable: true });
    await channel.assertQueue(queue, { durable: true });
    await channel.assertQueue(this.retryPolicy.deadLetterQueue, { durable: true });
    for (const extra of this.extraQueues)
      await channel.assertQueue(extra.name, { durable: true, arguments: extra.arguments });
    for (const retry of this.retryPolicy.retryQueues) {
      // Expired messages go back through the default exchange straight to this service's
      // queue, so a retry never reaches the other services bound to the same routing key.
      await channel.assertQueue(retry.name, {
        durable: true,
        arguments: {
          'x-message-ttl': retry.delayMs,
          'x-dead-letter-exchange': '',
          'x-dead-letter-routing-key': queue,
        },
      });
    }
    for (const binding of this.bindings()) {
      if (binding.exchange !== exchange)
        await channel.assertExchange(binding.exchange, 'topic', { durable: true });
      await channel.bindQueue(queue, binding.exchange, binding.routingKey);
    }
    for (const extra of this.extraQueues)
      for (const binding of extra.bindings ?? []) {
        await channel.assertExchange(binding.exchange, 'topic', { durable: true });
        await channel.bindQueue(extra.name, binding.exchange, binding.routingKey);
      }
    await channel.prefetch(this.effectivePrefetch);
    const acks = new BatchedAcks(channel, (error) => {
      this.logger.warn(`could not ack on ${queue}: ${describeError(error)}`);
    });
    this.acks = acks;
    const { consumerTag } = await channel.consume(queue, (message) => {
      if (!message) {
        // The queue was deleted or its node went away: start over, which declares it again.
        this.logger.warn(`the broker cancelled the consumer of ${queue}; reconnecting`);
        void channel.close().catch(() => undefined);
        return;
      }
      acks.delivered(message);
      void this.track(this.handleMessage(message, channel, acks));
    });
    this.consumerTag = consumerTag;
  }

  /** Never throws and always settles the message, so one bad message cannot stall the queue. */
  async handleMessage(message: ConsumeMessage, channel: ConfirmChannel, acks: BatchedAcks): Promise<void> {
    const exchangeHandler = this.exchangeHandlerFor(message);
    if (exchangeHandler) return this.handleExchangeMessage(exchangeHandler, message, channel, acks);
    if (message.fields.redelivered && (this.options as AmqpServerOptions).deliveryCounter)
      return this.oneRedeliveryAtATime(() => this.handlePatternMessage(message, channel, acks));
    return this.handlePatternMessage(message, channel, acks);
  }

  /**
   * Redeliveries run one at a time: when a message kills the process, the messages that were
   * running beside it are redelivered too, and counting them each time would park innocent ones.
   * Alone, only the message that was running when the process died gets counted again.
   */
  private oneRedeliveryAtATime(work: () => Promise<void>): Promise<void> {
    const turn = this.redeliveryTurn.then(work);
    this.redeliveryTurn = turn.catch(() => undefined);
    return turn;
  }

  private async handlePatternMessage(
    message: ConsumeMessage,
    channel: ConfirmChannel,
    acks: BatchedAcks,
  ): Promise<void> {
    const counted = await this.countRedelivery(message);
    const outcome: DispatchOutcome =
      counted && counted.deliveries > counted.limit
        ? {
            kind: 'dead-letter',
            reason: 'delivery-limit',
            error: `delivered ${counted.deliveries} times without being settled (its handler crashed or stalled the process each time; BUS_MAX_DELIVERIES=${counted.limit})`,
          }
        : await this.dispatch(message, channel, (packet) =>
            this.sendMessage(
              packet,
              message.properties.replyTo as string,
              message.properties.correlationId as string,
              channel,
            ),
          );
    try {
      await this.settleOutcome(outcome, message, channel);
      acks.ack(message);
    } catch (error) {
      // The channel went away: the unacked message is redelivered after the reconnect.
      this.logger.warn(`could not settle ${message.fields.routingKey}: ${describeError(error)}`);
      return;
    }
    if (counted) await this.forgetDelivery(counted.key);
  }

  /**
   * Counts a redelivery in the database before its handler runs, so a message that kills the
   * process is counted even though it is never settled. A database that does not answer must
   * not stop the bus: the message is then handled uncounted.
   */
  private async countRedelivery(
    message: ConsumeMessage,
  ): Promise<{ key: string; deliveries: number; limit: number } | null> {
    const { deliveryCounter: counter, maxDeliveries } = this.options as AmqpServerOptions;
    if (!counter || maxDeliveries === undefined || !message.fields.redelivered) return null;
    const key = counter.keyOf(message);
    try {
      return { key, deliveries: await counter.countRedelivery(key), limit: maxDeliveries };
    } catch (error) {
      this.logger.warn(
        `could not count the redelivery of ${message.fields.routingKey}: ${describeError(error)}`,
      );
      return null;
    }
  }

  private async forgetDelivery(key: string): Promise<void> {
    const counter = (this.options as AmqpServerOptions).deliveryCounter;
    await counter?.forget(key).catch((error: unknown) => {
      this.logger.warn(`could not clear a delivery count: ${describeError(error)}`);
    });
  }

  /** Publishes the handler's copies and waits for their confirms before acking the delivery. */
  private async handleExchangeMessage(
    handler: ExchangeHandler,
    message: ConsumeMessage,
    channel: ConfirmChannel,
    acks: BatchedAcks,
  ): Promise<void> {
    const outcome = await this.runExchangeHandler(handler, message);
    try {
      if (outcome.kind === 'forward')
        await Promise.all(outcome.copies.map((copy) => publishCopy(channel, copy)));
      acks.ack(message);
    } catch (error) {
      // The channel went away: the unacked message is redelivered after the reconnect.
      this.logger.warn(`could not settle ${message.fields.routingKey}: ${describeError(error)}`);
    }
  }

  /** Replies over direct reply-to (nestjs/nest `ServerRMQ.sendMessage`). */
  async sendMessage(
    packet: ReplyPacket,
    replyTo: string,
    correlationId: string,
    channel: ConfirmChannel,
  ): Promise<void> {
    if (!replyTo) return;
    channel.sendToQueue(replyTo, Buffer.from(JSON.stringify(packet)), {
      correlationId,
      contentType: JSON_CONTENT_TYPE,
    });
  }

  async close(): Promise<void> {
    const session = this.connection.current;
    if (session && this.consumerTag) await session.channel.cancel(this.consumerTag).catch(() => undefined);
    await this.waitForRunningHandlers();
    this.acks?.flush();
    if (session) await session.channel.waitForConfirms().catch(() => undefined);
    await this.connection.close();
  }

  unwrap<T>(): T {
    return this.connection as T;
  }

  /** For the readiness check. */
  get isConnected(): boolean {
    return this.connection.isConnected;
  }

  /** Publishes the copy (delay queue or DLQ) and waits for its confirm; the caller then acks the original. */
  private async settleOutcome(
    outcome: DispatchOutcome,
    message: ConsumeMessage,
    channel: ConfirmChannel,
  ): Promise<void> {
    if (outcome.kind === 'done') {
      this.metrics.onConsumed(outcome.pattern);
    } else if (outcome.kind === 'retry') {
      const headers = this.failureHeaders(message, {
        [HEADERS.retryCount]: outcome.decision.attempt,
        [HEADERS.lastError]: truncate(outcome.error),
      });
      await publishConfirmed(channel, outcome.decision.queue, message, headers);
      this.metrics.onRetried(outcome.pattern);
    } else {
      this.logger.warn(
        `parking ${message.fields.routingKey} in ${this.retryPolicy.deadLetterQueue}: ${outcome.reason}: ${outcome.error}`,
      );
      const headers = this.failureHeaders(message, {
        [HEADERS.deathReason]: outcome.reason,
        [HEADERS.lastError]: truncate(outcome.error),
        [HEADERS.failedAt]: new Date().toISOString(),
      });
      await publishConfirmed(channel, this.retryPolicy.deadLetterQueue, message, headers);
      this.metrics.onDeadLettered(outcome.reason);
    }
  }
}

function publishCopy(channel: ConfirmChannel, copy: RawCopy): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error: unknown): void =>
      error ? reject(error instanceof Error ? error : new Error('publish failed')) : resolve();
    const queue = copy.delay?.queue ?? copy.toQueue;
    if (queue !== undefined) channel.sendToQueue(queue, copy.content, copy.properties, done);
    else channel.publish(copy.exchange, copy.routingKey, copy.content, copy.properties, done);
  });
}

function publishConfirmed(
  channel: ConfirmChannel,
  queue: string,
  message: ConsumeMessage,
  headers: Record<string, unknown>,
): Promise<void> {
  const { properties } = message;
  return new Promise((resolve, reject) => {
    channel.sendToQueue(
      queue,
      message.content,
      {
        persistent: true,
        headers,
        messageId: properties.messageId as string | undefined,
        correlationId: properties.correlationId as string | undefined,
        contentType: properties.contentType as string | undefined,
        timestamp: properties.timestamp as number | undefined,
        type: properties.type as string | undefined,
      },
      (error: unknown) =>
        error ? reject(error instanceof Error ? error : new Error('publish failed')) : resolve(),
    );
  });
}

/** Headers travel with every copy; a stack trace would bloat each one. */
function truncate(text: string): string {
  return text.length > 500 ? `${text.slice(0, 497)}...` : text;
}
