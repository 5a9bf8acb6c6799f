import { ConsumeMessage, MessageProperties } from 'amqplib';
import { emptyProperties } from './bus.message';
import { matchesTopic } from './topic-pattern';

type Consumer = (message: ConsumeMessage) => Promise<void>;

interface QueueConsumer {
  readonly tag: string;
  readonly handle: Consumer;
  readonly prefetch: number;
  unacked: number;
}

interface InProcessQueue {
  readonly messages: ConsumeMessage[];
  readonly consumers: QueueConsumer[];
  nextConsumer: number;
}

/**
 * A tiny broker in memory with RabbitMQ's semantics where the bus relies on them: topic
 * exchanges with `*`/`#` bindings, competing consumers on one queue with a prefetch, a copy per
 * bound queue, the default exchange by queue name, and delayed delivery (the stand-in for a TTL
 * queue dead-lettering back). One per process: the in-process client and server share it.
 */
export class InProcessBroker {
  private readonly queues = new Map<string, InProcessQueue>();
  private readonly bindings: { exchange: string; pattern: string; queue: string }[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private deliveryTag = 0;
  private consumerCount = 0;

  assertQueue(name: string): void {
    if (!this.queues.has(name)) this.queues.set(name, { messages: [], consumers: [], nextConsumer: 0 });
  }

  bindQueue(queue: string, exchange: string, pattern: string): void {
    this.assertQueue(queue);
    if (!this.bindings.some((b) => b.exchange === exchange && b.pattern === pattern && b.queue === queue)) {
      this.bindings.push({ exchange, pattern, queue });
    }
  }

  /** Routes a copy to every queue bound to a matching pattern; unrouted messages are dropped. */
  publish(
    exchange: string,
    routingKey: string,
    content: Buffer,
    properties: Partial<MessageProperties>,
  ): void {
    const targets = new Set(
      this.bindings
        .filter((b) => b.exchange === exchange && matchesTopic(b.pattern, routingKey))
        .map((b) => b.queue),
    );
    for (const queue of targets) this.enqueue(queue, exchange, routingKey, content, properties);
  }

  /** The default exchange: straight to one queue. */
  sendToQueue(
    queue: string,
    content: Buffer,
    properties: Partial<MessageProperties>,
    routingKey = queue,
  ): void {
    this.assertQueue(queue);
    this.enqueue(queue, '', routingKey, content, properties);
  }

  /** Delivers to `queue` after `delayMs`, as a TTL delay queue dead-lettering into it would. */
  sendToQueueLater(
    queue: string,
    delayMs: number,
    content: Buffer,
    properties: Partial<MessageProperties>,
  ): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.sendToQueue(queue, content, properties);
    }, delayMs);
    this.timers.add(timer);
  }

  /** Publishes to `exchange` after `delayMs`, as a TTL delay queue dead-lettering into it would. */
  publishLater(
    exchange: string,
    routingKey: string,
    delayMs: number,
    content: Buffer,
    properties: Partial<MessageProperties>,
  ): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.publish(exchange, routingKey, content, properties);
    }, delayMs);
    this.timers.add(timer);
  }

  consume(queue: string, prefetch: number, handle: Consumer): string {
    this.assertQueue(queue);
    const tag = `in-process-${++this.consumerCount}`;
    this.queues.get(queue)!.consumers.push({ tag, handle, prefetch, unacked: 0 });
    this.pump(queue);
    return tag;
  }

  cancel(tag: string): void {
    for (const queue of this.queues.values()) {
      const index = queue.consumers.findIndex((c) => c.tag === tag);
      if (index >= 0) queue.consumers.splice(index, 1);
    }
  }

  deleteQueue(name: string): void {
    this.queues.delete(name);
    for (let i = this.bindings.length - 1; i >= 0; i--)
      if (this.bindings[i].queue === name) this.bindings.splice(i, 1);
  }

  /** Messages waiting in a queue (not the ones being handled). */
  peek(queue: string): readonly ConsumeMessage[] {
    return [...(this.queues.get(queue)?.messages ?? [])];
  }

  /** Takes up to `limit` waiting messages out of a queue (the DLQ tools use it). */
  take(queue: string, limit = Infinity): ConsumeMessage[] {
    const messages = this.queues.get(queue)?.messages ?? [];
    return messages.splice(0, Math.min(limit, messages.length));
  }

  /** Takes the first waiting message of a queue that `matches`, if any (the DLQ tools use it). */
  takeWhere(queue: string, matches: (message: ConsumeMessage) => boolean): ConsumeMessage[] {
    const messages = this.queues.get(queue)?.messages ?? [];
    const index = messages.findIndex(matches);
    return index < 0 ? [] : messages.splice(index, 1);
  }

  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const queue of this.queues.values()) queue.consumers.length = 0;
  }

  private enqueue(
    queue: string,
    exchange: string,
    routingKey: string,
    content: Buffer,
    properties: Partial<MessageProperties>,
  ): void {
    this.assertQueue(queue);
    const message: ConsumeMessage = {
      content: Buffer.from(content),
      fields: { deliveryTag: ++this.deliveryTag, redelivered: false, exchange, routingKey, consumerTag: '' },
      properties: { ...emptyProperties(), ...properties, headers: { ...properties.headers } },
    };
    this.queues.get(queue)!.messages.push(message);
    this.pump(queue);
  }

  /** Hands messages to consumers round-robin, each up to its prefetch, like RabbitMQ does. */
  private pump(name: string): void {
    const queue = this.queues.get(name);
    if (!queue) return;
    while (queue.messages.length > 0) {
      const consumer = this.nextFreeConsumer(queue);
      if (!consumer) return;
      const message = queue.messages.shift()!;
      consumer.unacked++;
      // Deliver asynchronously, as a socket would, so publishers never run handlers inline.
      setImmediate(() => {
        void consumer
          .handle({ ...message, fields: { ...message.fields, consumerTag: consumer.tag } })
          .catch(() => undefined)
          .finally(() => {
            consumer.unacked--;
            this.pump(name);
          });
      });
    }
  }

  private nextFreeConsumer(queue: InProcessQueue): QueueConsumer | undefined {
    for (let i = 0; i < queue.consumers.length; i++) {
      const index = (queue.nextConsumer + i) % queue.consumers.length;
      const consumer = queue.consumers[index];
      if (consumer.unacked < consumer.prefetch) {
        queue.nextConsumer = index + 1;
        return consumer;
      }
    }
    return undefined;
  }
}
