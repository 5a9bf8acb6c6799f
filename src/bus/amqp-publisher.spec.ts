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

const realSetTimeout = global.setTimeout;
const realClearTimeout = global.clearTimeout;

/**
 * The publisher's own timers (their callback runs failOverdue), told apart from whatever else the
 * process sets meanwhile (Jest runs other suites in this process, so a count of all is not
 * steady), and which of them are still pending: neither fired nor cleared.
 */
function watchPublisherTimers() {
  const own: NodeJS.Timeout[] = [];
  const fired = new Set<NodeJS.Timeout>();
  const cleared = new Set<unknown>();
  const set = jest.spyOn(global, 'setTimeout').mockImplementation((callback: () => void, ms?: number) => {
    if (!String(callback).includes('failOverdue')) return realSetTimeout(callback, ms);
    const timer: NodeJS.Timeout = realSetTimeout(() => {
      fired.add(timer);
      callback();
    }, ms);
    own.push(timer);
    return timer;
  });
  const clear = jest.spyOn(global, 'clearTimeout').mockImplementation((timer) => {
    cleared.add(timer);
    realClearTimeout(timer);
  });
  return {
    set: () => own.length,
    pending: () => own.filter((timer) => !fired.has(timer) && !cleared.has(timer)).length,
    restore: () => {
      set.mockRestore();
      clear.mockRestore();
    },
  };
}

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

  it('keeps one timer while anything is pending and none once all have failed', async () => {
    const timers = watchPublisherTimers();
    try {
      const publisher = new ConfirmPublisher(connection(false), 100, TIMEOUT_MS, counters);
      const pending = Array.from({ length: 50 }, (_, i) =>
        publisher.publish('x', `key.${i}`, Buffer.from('{}'), {}).catch((e: unknown) => e),
      );
      expect(timers.set()).toBe(1);
      expect(timers.pending()).toBe(1);
      const outcomes = await Promise.all(pending);
      expect(outcomes.every((outcome) => outcome instanceof PublishTimeoutError)).toBe(true);
      expect(publisher.pendingCount).toBe(0);
      expect(timers.pending()).toBe(0);
    } finally {
      timers.restore();
    }
  });

  it('resolves confirmed publishes and clears its timer once none is pending', async () => {
    const timers = watchPublisherTimers();
    try {
      const publisher = new ConfirmPublisher(connection(true), 100, TIMEOUT_MS, counters);
      const settled = await Promise.allSettled(
        Array.from({ length: 20 }, () => publisher.publish('x', 'key', Buffer.from('{}'), {})),
      );
      expect(settled.every((result) => result.status === 'fulfilled')).toBe(true);
      expect(publisher.pendingCount).toBe(0);
      expect(timers.set()).toBeGreaterThanOrEqual(1);
      expect(timers.pending()).toBe(0);
    } finally {
      timers.restore();
    }
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
