import { ConsumeMessage } from 'amqplib';
import { InProcessBroker } from './in-process.broker';

function body(message: ConsumeMessage): unknown {
  return JSON.parse(message.content.toString('utf8'));
}

/** Lets the broker's setImmediate deliveries run. */
async function deliveries(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe(InProcessBroker.name, () => {
  let broker: InProcessBroker;

  beforeEach(() => {
    broker = new InProcessBroker();
  });

  afterEach(() => {
    broker.close();
  });

  it('routes a copy to every queue whose binding matches, once per queue', async () => {
    broker.bindQueue('billing', 'events', 'orders.*.created');
    broker.bindQueue('billing', 'events', 'orders.#');
    broker.bindQueue('audit', 'events', '#');
    broker.bindQueue('other-exchange', 'cqrs', '#');
    broker.publish('events', 'orders.eu.created', Buffer.from('{"n":1}'), {});
    expect(broker.peek('billing')).toHaveLength(1);
    expect(broker.peek('audit')).toHaveLength(1);
    expect(broker.peek('other-exchange')).toHaveLength(0);
  });

  it('drops a message no binding matches, as an exchange does', () => {
    broker.bindQueue('billing', 'events', 'orders.*');
    broker.publish('events', 'payments.done', Buffer.from('{}'), {});
    expect(broker.peek('billing')).toHaveLength(0);
  });

  it('shares a queue between consumers round-robin, each up to its prefetch', async () => {
    const held: Record<string, (() => void)[]> = { a: [], b: [] };
    const consumer = (name: 'a' | 'b') => () => new Promise<void>((resolve) => held[name].push(resolve));
    broker.consume('q', 2, consumer('a'));
    broker.consume('q', 2, consumer('b'));
    for (let n = 0; n < 6; n++) broker.sendToQueue('q', Buffer.from(String(n)), {});
    await deliveries();
    expect(held.a).toHaveLength(2);
    expect(held.b).toHaveLength(2);
    expect(broker.peek('q')).toHaveLength(2);

    held.a.shift()!();
    await deliveries();
    expect(held.a).toHaveLength(2);
    expect(broker.peek('q')).toHaveLength(1);
  });

  it('keeps delivering after a consumer rejects', async () => {
    const seen: unknown[] = [];
    broker.consume('q', 1, async (message) => {
      seen.push(body(message));
      if (seen.length === 1) throw new Error('handler bug');
    });
    broker.sendToQueue('q', Buffer.from('1'), {});
    broker.sendToQueue('q', Buffer.from('2'), {});
    await deliveries(10);
    expect(seen).toEqual([1, 2]);
  });

  it('delivers a delayed message only after its delay', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate'] });
    try {
      broker.sendToQueueLater('q', 1000, Buffer.from('{}'), { headers: { 'x-retry-count': 1 } });
      jest.advanceTimersByTime(999);
      expect(broker.peek('q')).toHaveLength(0);
      jest.advanceTimersByTime(1);
      expect(broker.peek('q')).toHaveLength(1);
      expect(broker.peek('q')[0].properties.headers).toEqual({ 'x-retry-count': 1 });
    } finally {
      jest.useRealTimers();
    }
  });

  it('take() removes at most the limit, oldest first', () => {
    for (let n = 0; n < 3; n++) broker.sendToQueue('dlq', Buffer.from(String(n)), {});
    expect(broker.take('dlq', 2).map(body)).toEqual([0, 1]);
    expect(broker.peek('dlq').map(body)).toEqual([2]);
  });
});
