import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { AmqpContext } from '../../src/bus/amqp.context';
import { BusClient } from '../../src/bus/bus.client';
import { InvalidHandlerPatternError, RemoteHandlerError, RpcTimeoutError } from '../../src/bus/bus.errors';
import { MetricsService } from '../../src/platform/metrics.service';
import { queueDepth, requireBroker, uniqueName, waitFor } from '../support/broker';
import { BusTestbed, Received, TransportKind } from '../support/bus-testbed';

// Broker round trips and a broker restart; every wait inside is bounded on its own.
jest.setTimeout(60_000);

@Controller()
class OrdersController {
  constructor(private readonly received: Received) {}

  @EventPattern<string>('orders.*.created')
  onOrderCreated(@Payload() data: unknown, @Ctx() context: AmqpContext): void {
    this.received.record(data, context);
  }

  @EventPattern<string>('audit.#')
  onAudit(@Payload() data: unknown, @Ctx() context: AmqpContext): void {
    this.received.record(data, context);
  }

  @MessagePattern('prices.get')
  getPrice(@Payload() data: { sku: string }): { sku: string; price: number } {
    return { sku: data.sku, price: 42 };
  }

  @MessagePattern('prices.broken')
  failPrice(): never {
    throw new Error('price list unavailable');
  }
}

/** Publishes a follow-up event from inside a handler, as a saga step would. */
@Controller()
class ChainController {
  constructor(
    private readonly received: Received,
    private readonly bus: BusClient,
  ) {}

  @EventPattern('chain.start')
  async onStart(@Payload() data: { step: number }): Promise<void> {
    await this.bus.publishEvent('chain.next', { step: data.step + 1 });
  }

  @EventPattern<string>('chain.next')
  onNext(@Payload() data: unknown, @Ctx() context: AmqpContext): void {
    this.received.record(data, context);
  }
}

const flakyAttempts = new Map<string, number>();

@Controller()
class JobsController {
  constructor(private readonly received: Received) {}

  @EventPattern<string>('jobs.always-fails')
  alwaysFails(@Payload() data: unknown, @Ctx() context: AmqpContext): void {
    this.received.record(data, context);
    throw new Error('job handler exploded');
  }

  /** Fails `failures` times per id, then succeeds. */
  @EventPattern<string>('jobs.flaky')
  flaky(@Payload() data: { id: string; failures: number }, @Ctx() context: AmqpContext): void {
    const attempts = (flakyAttempts.get(data.id) ?? 0) + 1;
    flakyAttempts.set(data.id, attempts);
    if (attempts <= data.failures) throw new Error(`flaky failure ${attempts}`);
    this.received.record(data, context);
  }

  /** Takes a while, so a test can close the app while it runs. */
  @EventPattern<string>('jobs.slow')
  async slow(@Payload() data: { ms: number }, @Ctx() context: AmqpContext): Promise<void> {
    this.received.record({ ...data, phase: 'started' }, context);
    await new Promise((resolve) => setTimeout(resolve, data.ms));
    this.received.record({ ...data, phase: 'finished' }, context);
  }

  @EventPattern<string>('jobs.ok')
  ok(@Payload() data: unknown, @Ctx() context: AmqpContext): void {
    this.received.record(data, context);
  }
}

@Controller()
class ObjectPatternController {
  @MessagePattern({ cmd: 'sum' })
  sum(@Payload() numbers: number[]): number {
    return numbers.reduce((a, b) => a + b, 0);
  }
}

const transports: TransportKind[] = ['in-process', ...(requireBroker() ? (['amqp'] as const) : [])];

describe.each(transports)('message bus over %s', (kind) => {
  let bed: BusTestbed;

  beforeEach(() => {
    bed = new BusTestbed(kind);
  });

  afterEach(async () => {
    await bed.close();
  });

  it('refuses to start with an object pattern, which cannot be a routing key', async () => {
    await expect(bed.startService(uniqueName('objects'), [ObjectPatternController])).rejects.toBeInstanceOf(
      InvalidHandlerPatternError,
    );
  });

  it('routes by topic wildcards: * is one word, # any number', async () => {
    const orders = await bed.startService(uniqueName('orders'), [OrdersController]);
    const publish = (key: string): Promise<void> => orders.client.publishEvent(key, { key });
    await publish('orders.eu.created');
    await publish('orders.eu.cancelled');
    await publish('orders.eu.north.created');
    await publish('audit');
    await publish('audit.login.failed');

    await waitFor('3 routed messages', () => orders.received.messages.length >= 3);
    await publish('orders.us.created'); // a marker: everything before it has been routed
    await waitFor('the marker', () => orders.received.messages.length >= 4);
    expect(orders.received.messages.map((m) => `${m.pattern} <- ${m.routingKey}`).sort()).toEqual([
      'audit.# <- audit',
      'audit.# <- audit.login.failed',
      'orders.*.created <- orders.eu.created',
      'orders.*.created <- orders.us.created',
    ]);
  });

  it('gives every message a message id and a correlation id', async () => {
    const orders = await bed.startService(uniqueName('orders'), [OrdersController]);
    await orders.client.publishEvent('orders.eu.created', { n: 1 }, { correlationId: 'corr-1' });
    await orders.client.publishEvent('orders.eu.created', { n: 2 });
    await waitFor('2 messages', () => orders.received.messages.length === 2);
    const [first, second] = orders.received.messages.map((m) => m.message.properties);
    expect(first.correlationId).toBe('corr-1');
    expect(first.messageId).toEqual(expect.any(String));
    expect(second.correlationId).toBe(second.messageId);
    expect(first.messageId).not.toBe(second.messageId);
  });

  it('carries the correlation id on to what a handler publishes', async () => {
    const chain = await bed.startService(uniqueName('chain'), [ChainController]);
    await chain.client.publishEvent('chain.start', { step: 1 }, { correlationId: 'saga-42' });
    await waitFor('the follow-up event', () => chain.received.messages.length === 1);
    const [next] = chain.received.messages;
    expect(next.data).toEqual({ step: 2 });
    expect(next.message.properties.correlationId).toBe('saga-42');
  });

  it('shares one queue between replicas of a service and gives another service its own copy', async () => {
    const billing = uniqueName('billing');
    const replicaA = await bed.startService(billing, [OrdersController]);
    const replicaB = await bed.startService(billing, [OrdersController]);
    const shipping = await bed.startService(uniqueName('shipping'), [OrdersController]);
    const count = 40;
    await Promise.all(
      Array.from({ length: count }, (_, i) => shipping.client.publishEvent('orders.eu.created', { i })),
    );

    await waitFor(
      'billing replicas to share 40 messages',
      () => replicaA.received.messages.length + replicaB.received.messages.length === count,
    );
    await waitFor('shipping to get its own 40', () => shipping.received.messages.length === count);
    const billingIds = [...replicaA.received.messages, ...replicaB.received.messages].map(
      (m) => (m.data as { i: number }).i,
    );
    expect(new Set(billingIds).size).toBe(count);
    expect(replicaA.received.messages.length).toBeGreaterThan(0);
    expect(replicaB.received.messages.length).toBeGreaterThan(0);
  });

  it('answers a request over reply-to', async () => {
    const prices = await bed.startService(uniqueName('prices'), [OrdersController]);
    const client = (await bed.startService(uniqueName('caller'), [])).client;
    await expect(client.request('prices.get', { sku: 'A-1' })).resolves.toEqual({ sku: 'A-1', price: 42 });
    expect(prices.received.messages).toHaveLength(0);
  });

  it("works through Nest's own ClientProxy API too: send() and emit()", async () => {
    const prices = await bed.startService(uniqueName('prices'), [OrdersController]);
    await expect(lastValueFrom(prices.client.send('prices.get', { sku: 'B-2' }))).resolves.toEqual({
      sku: 'B-2',
      price: 42,
    });
    await lastValueFrom(prices.client.emit('orders.eu.created', { via: 'emit' }), {
      defaultValue: undefined,
    });
    await waitFor('the emitted event', () => prices.received.messages.length === 1);
    expect(prices.received.messages[0].data).toEqual({ via: 'emit' });
  });

  it('rejects a request nobody answers with RpcTimeoutError', async () => {
    const caller = await bed.startService(uniqueName('caller'), []);
    const error = await caller.client
      .request('prices.nobody', {}, { timeoutMs: 300 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RpcTimeoutError);
    expect((error as RpcTimeoutError).message).toContain('prices.nobody');
  });

  it('rejects a request whose handler throws with the remote message', async () => {
    await bed.startService(uniqueName('prices'), [OrdersController]);
    const caller = await bed.startService(uniqueName('caller'), []);
    const error = await caller.client.request('prices.broken', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteHandlerError);
    expect((error as Error).message).toContain('price list unavailable');
  });

  it('retries a failing handler with growing delay and handles the message once it succeeds', async () => {
    const jobs = await bed.startService(uniqueName('jobs'), [JobsController]);
    const id = uniqueName('flaky');
    await jobs.client.publishEvent('jobs.flaky', { id, failures: 2 });
    await waitFor('the third attempt to succeed', () => jobs.received.messages.length === 1);
    const [handled] = jobs.received.messages;
    expect(handled.routingKey).toBe('jobs.flaky');
    expect(handled.message.properties.headers?.['x-retry-count']).toBe(2);
    expect(handled.exchange).toBe(bed.exchange);
    expect(flakyAttempts.get(id)).toBe(3);
    expect(await bed.deadLetters().list(jobs.settings.bus.queue, 10)).toEqual([]);
  });

  it('parks a handler that always throws in dead_letter_<queue> with the reason, and keeps the queue flowing', async () => {
    const jobs = await bed.startService(uniqueName('jobs'), [JobsController]);
    await jobs.client.publishEvent('jobs.always-fails', { job: 1 });
    await jobs.client.publishEvent('jobs.ok', { job: 2 });
    await waitFor('the healthy message', () => jobs.received.dataFor('jobs.ok').length === 1);

    const dlq = bed.deadLetters();
    try {
      let parked: Awaited<ReturnType<typeof dlq.list>> = [];
      await waitFor(
        'the failing message in the DLQ',
        async () => (parked = await dlq.list(jobs.settings.bus.queue, 10)).length === 1,
      );
      expect(parked[0]).toMatchObject({
        routingKey: 'jobs.always-fails',
        reason: 'retries-exhausted',
        retries: 2,
        body: '{"job":1}',
      });
      expect(parked[0].lastError).toContain('job handler exploded');
      expect(parked[0].failedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
      // First attempt plus one per configured retry delay.
      expect(jobs.received.dataFor('jobs.always-fails')).toHaveLength(bed.retryDelaysMs.length + 1);
      const metrics = await jobs.app.get(MetricsService).render();
      expect(metrics).toContain(
        `bus_messages_retried_total{pattern="jobs.always-fails"} ${bed.retryDelaysMs.length}`,
      );
      expect(metrics).toContain('bus_messages_dead_lettered_total{reason="retries-exhausted"} 1');
      expect(metrics).toContain('bus_messages_consumed_total{pattern="jobs.ok"} 1');
      expect(metrics).toContain('bus_messages_published_total 2');
      expect(metrics).toContain('bus_messages_confirmed_total 2');
    } finally {
      await dlq.close();
    }
  });

  it('parks an unparsable body at once, without retries, and keeps the queue flowing', async () => {
    const jobs = await bed.startService(uniqueName('jobs'), [JobsController]);
    await bed.publishRaw('jobs.ok', Buffer.from('{not json'));
    await jobs.client.publishEvent('jobs.ok', { after: 'poison' });
    await waitFor('the message after the poison', () => jobs.received.messages.length === 1);
    const dlq = bed.deadLetters();
    try {
      let parked: Awaited<ReturnType<typeof dlq.list>> = [];
      await waitFor(
        'the poison in the DLQ',
        async () => (parked = await dlq.list(jobs.settings.bus.queue, 10)).length === 1,
      );
      expect(parked[0]).toMatchObject({
        routingKey: 'jobs.ok',
        reason: 'unparsable-body',
        retries: 0,
        body: '{not json',
      });
    } finally {
      await dlq.close();
    }
  });

  it('parks a message with no handler in dead_letter_<queue>', async () => {
    const jobs = await bed.startService(uniqueName('jobs'), [JobsController], {
      extraBindings: [{ exchange: bed.exchange, routingKey: 'legacy.#' }],
    });
    await jobs.client.publishEvent('legacy.thing.happened', { legacy: true });
    const dlq = bed.deadLetters();
    try {
      let parked: Awaited<ReturnType<typeof dlq.list>> = [];
      await waitFor(
        'the unhandled message in the DLQ',
        async () => (parked = await dlq.list(jobs.settings.bus.queue, 10)).length === 1,
      );
      expect(parked[0]).toMatchObject({ routingKey: 'legacy.thing.happened', reason: 'no-handler' });
      expect(parked[0].lastError).toContain('legacy.thing.happened');
    } finally {
      await dlq.close();
    }
  });

  it('lets a running handler finish and flushes pending publishes when the app closes', async () => {
    const jobs = await bed.startService(uniqueName('jobs'), [JobsController]);
    await jobs.client.publishEvent('jobs.slow', { ms: 400 });
    await waitFor('the slow handler to start', () => jobs.received.messages.length === 1);
    // Routed nowhere, so it cannot land in the queue checked below; the broker still confirms it.
    const lastPublish = jobs.client.publishEvent('nobody.listens', { last: true });
    await bed.stopService(jobs);
    await expect(lastPublish).resolves.toBeUndefined();
    expect(jobs.received.dataFor('jobs.slow').map((data) => (data as { phase: string }).phase)).toEqual([
      'started',
      'finished',
    ]);
    if (kind === 'amqp') {
      // Acked before the connection closed: nothing is left to redeliver to the next replica.
      expect(await queueDepth(jobs.settings.bus.queue)).toBe(0);
    }
  });

  it('replays parked messages back to the service, which then handles them', async () => {
    const jobs = await bed.startService(uniqueName('jobs'), [JobsController], {
      extraBindings: [{ exchange: bed.exchange, routingKey: 'jobs.later' }],
    });
    // Parked for lack of a handler: replaying it into the same service parks it again, which
    // proves the round trip; a flaky handler shows that a replayed message gets a fresh budget.
    const id = uniqueName('replay');
    await jobs.client.publishEvent('jobs.flaky', { id, failures: 3 });
    const dlq = bed.deadLetters();
    try {
      await waitFor(
        'the flaky message to be parked',
        async () => (await dlq.list(jobs.settings.bus.queue, 10)).length === 1,
      );
      expect(jobs.received.messages).toHaveLength(0);
      expect(await dlq.replay(jobs.settings.bus.queue, 10)).toBe(1);
      await waitFor('the replayed message to be handled', () => jobs.received.messages.length === 1);
      expect(jobs.received.messages[0].routingKey).toBe('jobs.flaky');
      expect(jobs.received.messages[0].message.properties.headers?.['x-retry-count']).toBeUndefined();
      expect(await dlq.list(jobs.settings.bus.queue, 10)).toEqual([]);

      await bed.publishRaw('jobs.ok', Buffer.from('still not json'));
      await waitFor(
        'the poison to be parked',
        async () => (await dlq.list(jobs.settings.bus.queue, 10)).length === 1,
      );
      expect(await dlq.purge(jobs.settings.bus.queue)).toBe(1);
      expect(await dlq.list(jobs.settings.bus.queue, 10)).toEqual([]);
    } finally {
      await dlq.close();
    }
  });
});
