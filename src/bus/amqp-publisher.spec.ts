import type { AmqpConnection, AmqpSession } from './amqp-connection';
import { ConfirmPublisher, PublisherCounters } from './amqp-publisher';
import { PublishTimeoutError } from './bus.errors';

const TIMEOUT_MS = 100;

const counters: PublisherCounters = {
  onPublished: () => undefined,
  onConfirmed: () => undefined,
  onPublishSettled: () => undefined,
};

type Confirm = (error: unknown) => void;

/**
 * A connection that is down (no session), or up with a channel that confirms each message on the
 * next turn, or one that keeps the confirms for the test to give (`held`, by routing key).
 */
function connection(confirms: boolean | Map<string, Confirm>): AmqpConnection {
  const channel = {
    publish: (_exchange: string, key: string, _content: Buffer, _options: unknown, done: Confirm) => {
      if (confirms instanceof Map) confirms.set(key, done);
      else if (confirms) setImmediate(() => done(null));
      return true;
    },
    once: () => undefined,
  };
  const session = { channel } as unknown as AmqpSession;
  return {
    current: confirms === false ? null : session,
    onUp: () => undefined,
    onDown: () => undefined,
  } as unknown as AmqpConnection;
}

const timers = (): number => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

describe(ConfirmPublisher.name, () => {
  it('fails each unconfirmed publish with PublishTimeoutError, in publish order and never before its timeout', async () => {
    const publisher = new ConfirmPublisher(connection(false), 10, TIMEOUT_MS, counters);
    const failedAfter: number[] = [];
    const started = performance.now();
    const publishes = [0, 30, 60].map(async (delay, index) => {
      await new Promise((resolve) => setTimeout(resolve, delay));
      const publishedAt = performance.now();
      const error = await publisher
        .publish('x', `key.${index}`, Buffer.from('{}'), {})
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PublishTimeoutError);
      expect((error as Error).message).toContain(`key.${index}`);
      failedAfter.push(performance.now() - publishedAt);
      return index;
    });
    const order: number[] = [];
    for (const publish of publishes) void publish.then((index) => order.push(index));
    await Promise.all(publishes);
    expect(order).toEqual([0, 1, 2]);
    for (const waited of failedAfter) expect(waited).toBeGreaterThanOrEqual(TIMEOUT_MS - 1);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('keeps one timer while anything is pending and none once all have settled', async () => {
    const before = timers();
    const publisher = new ConfirmPublisher(connection(false), 100, TIMEOUT_MS, counters);
    const pending = Array.from({ length: 50 }, (_, i) =>
      publisher.publish('x', `key.${i}`, Buffer.from('{}'), {}).catch(() => undefined),
    );
    expect(timers()).toBe(before + 1);
    await Promise.all(pending);
    expect(timers()).toBe(before);
  });

  it('resolves confirmed publishes and drops its timer once none is pending', async () => {
    const before = timers();
    const publisher = new ConfirmPublisher(connection(true), 100, TIMEOUT_MS, counters);
    const settled = await Promise.allSettled(
      Array.from({ length: 20 }, () => publisher.publish('x', 'key', Buffer.from('{}'), {})),
    );
    expect(settled.every((result) => result.status === 'fulfilled')).toBe(true);
    expect(publisher.pendingCount).toBe(0);
    expect(timers()).toBe(before);
  });

  it('times the next message from its own publish once an older one is confirmed', async () => {
    const held = new Map<string, Confirm>();
    const publisher = new ConfirmPublisher(connection(held), 10, TIMEOUT_MS, counters);
    const first = publisher.publish('x', 'first', Buffer.from('{}'), {});
    await new Promise((resolve) => setTimeout(resolve, TIMEOUT_MS / 2));
    const secondAt = performance.now();
    const second = publisher.publish('x', 'second', Buffer.from('{}'), {}).catch((e: unknown) => e);
    held.get('first')!(null);
    await first;
    // The timer was set for the first one's deadline; the second fails at its own.
    expect(await second).toBeInstanceOf(PublishTimeoutError);
    expect(performance.now() - secondAt).toBeGreaterThanOrEqual(TIMEOUT_MS - 1);
    expect(publisher.pendingCount).toBe(0);
  });
});
