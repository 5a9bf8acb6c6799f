import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { AmqpContext } from '../../src/bus/amqp.context';
import { AmqpServer } from '../../src/bus/amqp.server';
import { BusClient } from '../../src/bus/bus.client';
import {
  BusClosedError,
  PublishBufferFullError,
  PublishTimeoutError,
  RpcTimeoutError,
} from '../../src/bus/bus.errors';
import { BusMetrics } from '../../src/bus/bus.metrics';
import { createBusClient } from '../../src/bus/bus.module';
import { BrokerDownError, BusReadinessCheck } from '../../src/bus/bus.readiness-check';
import { loadSettings } from '../../src/settings/load-settings';
import {
  ensureBrokerStarted,
  queueConsumers,
  rabbitmqctl,
  requireBroker,
  sleep,
  uniqueName,
  waitFor,
  withAdminConnection,
} from '../support/broker';
import { BusTestbed, Received } from '../support/bus-testbed';

// Broker round trips and a broker restart; every wait inside is bounded on its own.
jest.setTimeout(60_000);

@Controller()
class StreamController {
  constructor(private readonly received: Received) {}

  @EventPattern<string>('stream.tick')
  onTick(@Payload() data: { seq: number }, @Ctx() context: AmqpContext): void {
    this.received.record(data, context);
  }
}

/** Nothing listens on this port, so a client there is "disconnected" for as long as the test wants. */
const DEAD_BROKER_URL = 'amqp://guest:guest@127.0.0.1:5999';

function unreachableClient(env: Record<string, string>): BusClient {
  const settings = loadSettings({
    env: { DEBUG: 'true', SERVICE_NAME: 'unreachable', AMQP_URL: DEAD_BROKER_URL, ...env },
    localEnvFile: null,
  });
  return createBusClient(settings, null, new BusMetrics(null));
}

describe('bus without a reachable broker', () => {
  it('fails a publish loudly once BUS_PUBLISH_BUFFER messages are waiting, and the waiting ones after BUS_PUBLISH_TIMEOUT', async () => {
    const client = unreachableClient({ BUS_PUBLISH_BUFFER: '3', BUS_PUBLISH_TIMEOUT: '400ms' });
    try {
      const waiting = [1, 2, 3].map((n) =>
        client.publishEvent('orders.eu.created', { n }).catch((e: unknown) => e),
      );
      await expect(client.publishEvent('orders.eu.created', { n: 4 })).rejects.toBeInstanceOf(
        PublishBufferFullError,
      );
      const outcomes = await Promise.all(waiting);
      for (const outcome of outcomes) {
        expect(outcome).toBeInstanceOf(PublishTimeoutError);
        expect((outcome as Error).message).toContain('orders.eu.created');
      }
    } finally {
      await client.close();
    }
  });

  it('lets a request wait for the broker only until its timeout', async () => {
    const client = unreachableClient({});
    try {
      await expect(client.request('prices.get', { sku: 'A-1' }, { timeoutMs: 300 })).rejects.toBeInstanceOf(
        RpcTimeoutError,
      );
    } finally {
      await client.close();
    }
  });

  it('reports the broker as not ready', async () => {
    const client = unreachableClient({});
    try {
      await client.connect();
      const check = new BusReadinessCheck(client);
      await expect(check.check()).rejects.toBeInstanceOf(BrokerDownError);
    } finally {
      await client.close();
    }
  });

  it('starts the consumer without the broker after a bounded wait, not ready, and closes promptly', async () => {
    const server = new AmqpServer(
      {
        url: DEAD_BROKER_URL,
        exchange: 'events',
        queue: 'unreachable',
        prefetch: 10,
        retryDelaysMs: [],
        startupConnectWaitMs: 300,
        secretKey: 'x'.repeat(32),
      },
      new BusMetrics(null),
    );
    let listening = false;
    await server.listen(() => (listening = true));
    expect(listening).toBe(true);
    expect(server.isConnected).toBe(false);
    await server.close();
  });

  it('rejects publishes after close with BusClosedError', async () => {
    const client = unreachableClient({});
    await client.close();
    await expect(client.publishEvent('orders.eu.created', {})).rejects.toBeInstanceOf(BusClosedError);
  });
});

const describeBroker = requireBroker() ? describe : describe.skip;

describeBroker('bus on RabbitMQ', () => {
  let bed: BusTestbed;

  beforeEach(() => {
    bed = new BusTestbed('amqp');
  });

  afterEach(async () => {
    await bed.close();
  });

  // Second safety net beside the restart test's own finally: if Jest gives up on that test
  // (timeout), the broker must still be running for every suite after this one.
  afterAll(async () => {
    await ensureBrokerStarted();
  });

  it('declares durable delay queues that expire back into the service queue, and the dead-letter queue', async () => {
    const service = await bed.startService(uniqueName('topo'), [StreamController]);
    const queue = service.settings.bus.queue;
    const listing = await rabbitmqctl(
      'list_queues',
      '--quiet',
      '--no-table-headers',
      'name',
      'durable',
      'arguments',
    );
    const lines = listing.split('\n').filter((line) => line.includes(queue));
    const find = (name: string): string => lines.find((line) => line.split('\t')[0] === name) ?? '';
    expect(find(queue)).toMatch(/\ttrue\t/);
    expect(find(`dead_letter_${queue}`)).toMatch(/\ttrue\t/);
    for (const delay of bed.retryDelaysMs) {
      const line = find(`${queue}.retry.${delay}`);
      expect(line).toContain(`{"x-message-ttl",${delay}}`);
      expect(line).toContain(`{"x-dead-letter-routing-key","${queue}"}`);
      // The default exchange (""), which rabbitmqctl prints as [] or <<>> depending on the version.
      expect(line).toMatch(/\{"x-dead-letter-exchange",(\[\]|<<>>|"")\}/);
    }
  });

  it('reconnects and consumes again after the broker drops every connection', async () => {
    const service = await bed.startService(uniqueName('cut'), [StreamController]);
    await service.client.publishEvent('stream.tick', { seq: 1 });
    await waitFor('the first message', () => service.received.messages.length === 1);
    await rabbitmqctl('close_all_connections', 'test: simulated network cut');
    // Published right after the cut: waits in the buffer or is re-sent, never lost.
    await service.client.publishEvent('stream.tick', { seq: 2 });
    await waitFor(
      'the message after the cut',
      () => service.received.messages.some((m) => (m.data as { seq: number }).seq === 2),
      30_000,
    );
  });

  it('declares the queue again when it is deleted under a running consumer', async () => {
    const service = await bed.startService(uniqueName('deleted'), [StreamController]);
    await withAdminConnection(async (connection) => {
      const channel = await connection.createChannel();
      await channel.deleteQueue(service.settings.bus.queue);
    });
    // The consumer comes back last, after the queue's bindings: a message published as soon as
    // the queue exists could find no binding yet and be dropped by the exchange.
    await waitFor(
      'the queue to be back with its consumer',
      async () => ((await queueConsumers(service.settings.bus.queue)) ?? 0) > 0,
      30_000,
    );
    await service.client.publishEvent('stream.tick', { seq: 7 });
    await waitFor(
      'a message into the re-declared queue',
      () => service.received.messages.length === 1,
      30_000,
    );
  });

  it('delivers every confirmed message after a broker restart, and the consumer re-attaches by itself', async () => {
    const service = await bed.startService(uniqueName('stream'), [StreamController], {
      // SHUTDOWN_TIMEOUT must outlast the publish timeout (settings refuse the opposite).
      env: { BUS_PUBLISH_TIMEOUT: '60s', SHUTDOWN_TIMEOUT: '90s', BUS_PUBLISH_BUFFER: '1000' },
    });
    const readiness = service.app.get(BusReadinessCheck);
    const confirmed = new Set<number>();
    const failed: unknown[] = [];
    const publishes: Promise<void>[] = [];
    const publish = (seq: number): void => {
      publishes.push(
        service.client.publishEvent('stream.tick', { seq }).then(
          () => void confirmed.add(seq),
          (error: unknown) => void failed.push(error),
        ),
      );
    };

    try {
      for (let seq = 0; seq < 100; seq++) publish(seq);
      await waitFor('the first 100 confirms', () => confirmed.size === 100);

      const stopping = rabbitmqctl('stop_app');
      // Keep publishing while the broker goes away: these wait in the bounded buffer.
      for (let seq = 100; seq < 200; seq++) {
        publish(seq);
        await sleep(10);
      }
      await stopping;
      await waitFor(
        'readiness to report the broker down',
        async () =>
          readiness.check().then(
            () => false,
            () => true,
          ),
        20_000,
      );
      for (let seq = 200; seq < 300; seq++) publish(seq);
      await sleep(500);
      await rabbitmqctl('start_app');
      await rabbitmqctl('await_startup');

      await Promise.all(publishes);
      expect(failed).toEqual([]);
      expect(confirmed.size).toBe(300);
      const seen = (): Set<number> =>
        new Set(service.received.messages.map((m) => (m.data as { seq: number }).seq));
      await waitFor(
        'every confirmed message to be consumed',
        () => [...confirmed].every((seq) => seen().has(seq)),
        60_000,
      );
      await waitFor(
        'readiness to recover',
        async () =>
          readiness.check().then(
            () => true,
            () => false,
          ),
        20_000,
      );

      // The consumer is attached again: a message published now is handled too.
      await service.client.publishEvent('stream.tick', { seq: 1000 });
      await waitFor('a message after the restart', () => seen().has(1000), 20_000);
    } finally {
      await ensureBrokerStarted();
    }
  }, 180_000);
});
