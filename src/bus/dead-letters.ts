import type { ChannelModel, ConfirmChannel, Message } from 'amqplib';
import { deadLetterQueueName, HEADERS } from './bus.constants';
import { InProcessBroker } from './in-process.broker';
import { RetrySeal } from './retry-seal';

/** amqplib's connect, loaded when a dead-letter queue is first used (the console, the CLI). */
async function connectBroker(url: string): Promise<ChannelModel> {
  const { connect } = await import('amqplib');
  return connect(url);
}

/** One parked message as the DLQ tools show it. */
export interface DeadLetter {
  readonly messageId: string | undefined;
  readonly routingKey: string;
  readonly reason: string;
  readonly lastError: string;
  readonly failedAt: string;
  readonly retries: number;
  readonly body: string;
}

/** List, replay and purge `dead_letter_<queue>`; `queue` is the service queue (e.g. `billing`). */
export interface DeadLetterQueue {
  list(queue: string, limit: number): Promise<DeadLetter[]>;
  /**
   * Moves up to `limit` parked messages back to the service queue with a fresh retry budget, and
   * never more than were parked when it started (a running service may park them again).
   */
  replay(queue: string, limit: number, onProgress?: (done: number) => void): Promise<number>;
  /**
   * Moves the parked message with this message id (the first, should several share it) back to
   * the service queue with a fresh retry budget; the others stay parked, in their order. False
   * when none is parked any more (replayed or purged meanwhile).
   */
  replayMessage(queue: string, messageId: string): Promise<boolean>;
  purge(queue: string): Promise<number>;
  close(): Promise<void>;
}

const REPLAY_BATCH = 100;

export function describeDeadLetter(message: Message): DeadLetter {
  const headers = (message.properties.headers ?? {}) as Record<string, unknown>;
  const text = (name: string): string => (typeof headers[name] === 'string' ? headers[name] : '');
  return {
    messageId: message.properties.messageId as string | undefined,
    routingKey: text(HEADERS.originalRoutingKey) || message.fields.routingKey,
    reason: text(HEADERS.deathReason),
    lastError: text(HEADERS.lastError),
    failedAt: text(HEADERS.failedAt),
    retries: Number(headers[HEADERS.retryCount] ?? 0),
    body: message.content.toString('utf8'),
  };
}

/**
 * Headers of a replayed message: the routing key stays, the failure record and retry count go.
 * The operator vouches for what sits in the service's own DLQ (only the service and the broker
 * write there), so the replay seals the original key and exchange afresh for `queue`.
 */
function replayHeaders(seal: RetrySeal, queue: string, message: Message): Record<string, unknown> {
  const headers = { ...(message.properties.headers as Record<string, unknown>) };
  for (const name of [
    HEADERS.retryCount,
    HEADERS.retrySeal,
    HEADERS.deathReason,
    HEADERS.lastError,
    HEADERS.failedAt,
    'x-death',
    'x-first-death-exchange',
    'x-first-death-queue',
    'x-first-death-reason',
    'x-last-death-exchange',
    'x-last-death-queue',
    'x-last-death-reason',
  ]) {
    delete headers[name];
  }
  const routingKey = describeDeadLetter(message).routingKey;
  const exchange = headers[HEADERS.originalExchange];
  headers[HEADERS.originalRoutingKey] = routingKey;
  if (typeof exchange === 'string')
    headers[HEADERS.retrySeal] = seal.seal(queue, { routingKey, exchange, retryCount: 0 }, message.content);
  return headers;
}

/** Accepts `billing` or `dead_letter_billing`. */
export function serviceQueueOf(name: string): string {
  return name.startsWith('dead_letter_') ? name.slice('dead_letter_'.length) : name;
}

export class AmqpDeadLetterQueue implements DeadLetterQueue {
  private session: Promise<{ connection: ChannelModel; channel: ConfirmChannel }> | null = null;

  constructor(
    private readonly url: string,
    private readonly seal: RetrySeal,
  ) {}

  async list(queue: string, limit: number): Promise<DeadLetter[]> {
    const dlq = deadLetterQueueName(serviceQueueOf(queue));
    // Peek: get without ack, then close the channel so the broker puts every one back.
    const connection = await connectBroker(this.url);
    connection.on('error', () => undefined);
    try {
      const channel = await connection.createChannel();
      // Errors come back through the awaited calls; an unheard 'error' event would crash.
      channel.on('error', () => undefined);
      await channel.checkQueue(dlq);
      const found: DeadLetter[] = [];
      for (let i = 0; i < limit; i++) {
        const message = await channel.get(dlq, { noAck: false });
        if (!message) break;
        found.push(describeDeadLetter(message));
      }
      return found;
    } finally {
      await connection.close();
    }
  }

  async replay(queue: string, limit: number, onProgress?: (done: number) => void): Promise<number> {
    const target = serviceQueueOf(queue);
    const dlq = deadLetterQueueName(target);
    const channel = await this.openChannel();
    const { messageCount } = await channel.checkQueue(dlq);
    await channel.checkQueue(target);
    const cap = Math.min(limit, messageCount);
    let done = 0;
    while (done < cap) {
      const batch: Message[] = [];
      while (batch.length < REPLAY_BATCH && done + batch.length < cap) {
        const message = await channel.get(dlq, { noAck: false });
        if (!message) break;
        channel.sendToQueue(target, message.content, {
          ...message.properties,
          headers: replayHeaders(this.seal, target, message),
          persistent: true,
        });
        batch.push(message);
      }
      if (batch.length === 0) break;
      // Ack only after the broker confirmed the copies: a crash in between duplicates, never loses.
      await channel.waitForConfirms();
      for (const message of batch) channel.ack(message);
      done += batch.length;
      onProgress?.(done);
    }
    return done;
  }

  async replayMessage(queue: string, messageId: string): Promise<boolean> {
    const target = serviceQueueOf(queue);
    const dlq = deadLetterQueueName(target);
    // A channel of its own: the messages looked at and passed over stay unacked on it, and go
    // back to their places in the queue when it closes.
    const connection = await connectBroker(this.url);
    connection.on('error', () => undefined);
    try {
      const channel = await connection.createConfirmChannel();
      channel.on('error', () => undefined);
      const { messageCount } = await channel.checkQueue(dlq);
      await channel.checkQueue(target);
      for (let looked = 0; looked < messageCount; looked++) {
        const message = await channel.get(dlq, { noAck: false });
        if (!message) return false;
        if (message.properties.messageId !== messageId) continue;
        channel.sendToQueue(target, message.content, {
          ...message.properties,
          headers: replayHeaders(this.seal, target, message),
          persistent: true,
        });
        // Acked only once the broker confirmed the copy: a crash in between duplicates, never loses.
        await channel.waitForConfirms();
        channel.ack(message);
        await channel.close();
        return true;
      }
      return false;
    } finally {
      await connection.close().catch(() => undefined);
    }
  }

  async purge(queue: string): Promise<number> {
    const channel = await this.openChannel();
    const { messageCount } = await channel.purgeQueue(deadLetterQueueName(serviceQueueOf(queue)));
    return messageCount;
  }

  async close(): Promise<void> {
    const session = this.session;
    this.session = null;
    if (!session) return;
    // A session that never connected has nothing to close; its error was already reported.
    const opened = await session.catch(() => null);
    // Channel first, so the last acks reach the broker before Connection.Close (see AmqpConnection).
    await opened?.channel.close().catch(() => undefined);
    await opened?.connection.close().catch(() => undefined);
  }

  private async openChannel(): Promise<ConfirmChannel> {
    this.session ??= connectBroker(this.url).then(async (connection) => {
      // A failed operation (a missing queue closes the channel with 404) comes back through the
      // awaited call; without a listener the same error would also be an uncaught 'error' event.
      connection.on('error', () => undefined);
      const channel = await connection.createConfirmChannel();
      channel.on('error', () => undefined);
      return { connection, channel };
    });
    return (await this.session).channel;
  }
}

export class InProcessDeadLetterQueue implements DeadLetterQueue {
  constructor(
    private readonly broker: InProcessBroker,
    private readonly seal: RetrySeal,
  ) {}

  async list(queue: string, limit: number): Promise<DeadLetter[]> {
    return this.broker
      .peek(deadLetterQueueName(serviceQueueOf(queue)))
      .slice(0, limit)
      .map(describeDeadLetter);
  }

  async replay(queue: string, limit: number, onProgress?: (done: number) => void): Promise<number> {
    const target = serviceQueueOf(queue);
    const messages = this.broker.take(deadLetterQueueName(target), limit);
    for (const message of messages)
      this.broker.sendToQueue(target, message.content, {
        ...message.properties,
        headers: replayHeaders(this.seal, target, message),
      });
    onProgress?.(messages.length);
    return messages.length;
  }

  async replayMessage(queue: string, messageId: string): Promise<boolean> {
    const target = serviceQueueOf(queue);
    const [message] = this.broker.takeWhere(
      deadLetterQueueName(target),
      (parked) => parked.properties.messageId === messageId,
    );
    if (!message) return false;
    this.broker.sendToQueue(target, message.content, {
      ...message.properties,
      headers: replayHeaders(this.seal, target, message),
    });
    return true;
  }

  async purge(queue: string): Promise<number> {
    return this.broker.take(deadLetterQueueName(serviceQueueOf(queue))).length;
  }

  async close(): Promise<void> {}
}
