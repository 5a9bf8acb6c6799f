import { connect } from 'amqplib';
import { createScratchDatabase } from '../support/database';
import { testKeyPair } from '../support/keys';
import { freePort } from '../support/ports';
import { PrivateVhost } from '../support/private-vhost';
import { requireBroker, sleep, uniqueName, waitFor } from '../support/broker';
import { RunningService, spawnService } from '../support/spawn-service';
import type { PoisonTestBody } from '../support/poison.main';

// Starts the service up to MAX_DELIVERIES + 2 times (seconds each, more on a loaded machine).
jest.setTimeout(300_000);

const QUEUE = 'poison_test';
const DEAD_LETTERS = `dead_letter_${QUEUE}`;
const MAX_DELIVERIES = 3;

const describeWithBroker = requireBroker() ? describe : describe.skip;

describeWithBroker(
  'bus messages that crash the process or never finish (PostgreSQL, RabbitMQ, real processes)',
  () => {
    const vhost = new PrivateVhost(uniqueName('poison'));
    let database: { url: string; drop(): Promise<void> };

    beforeAll(async () => {
      database = await createScratchDatabase('bus_poison');
      await vhost.create();
    });

    afterAll(async () => {
      await vhost.delete();
      await database.drop();
    });

    async function startService(extra: Record<string, string> = {}): Promise<RunningService> {
      const keys = testKeyPair();
      return spawnService('../test/support/poison.main.ts', {
        DEBUG: 'false',
        SECRET_KEY: 'test-secret-key-that-is-long-enough-0123456789',
        JWT_SIGN_KEY: keys.privateKey,
        JWT_VERIFY_KEY: keys.publicKey,
        DATABASE_URL: database.url,
        MIGRATE_ON_START: 'true',
        AMQP_URL: vhost.url(),
        SERVICE_NAME: QUEUE,
        PORT: String(await freePort()),
        BUS_MAX_DELIVERIES: String(MAX_DELIVERIES),
        SHUTDOWN_DELAY: '0s',
        LOG_LEVEL: 'warn',
        ...extra,
      });
    }

    it('parks a message that kills the process after BUS_MAX_DELIVERIES deliveries, counted across restarts', async () => {
      await declareAndPublish(vhost.url(), [
        { n: 0, kind: 'crash' },
        ...Array.from({ length: 5 }, (_, index) => ({ n: index + 1 })),
      ]);
      const crashes: (number | null)[] = [];
      const handled = new Set<number>();
      let survivor: RunningService | null = null;
      // Bounded: the limit's crashes, then one start that parks it (and one spare).
      for (let start = 0; start < MAX_DELIVERIES + 2 && !survivor; start++) {
        const service = await startService();
        const outcome = await crashedOrParked(service, vhost.url()).catch((error: unknown) => {
          service.child.kill('SIGKILL');
          throw error;
        });
        for (const n of numbers(service.output(), 'handled')) handled.add(n);
        if (outcome === 'crashed') {
          const finished = await service.exited(10_000);
          expect(finished.stderr).toContain('poison message 0 crashes the process');
          crashes.push(finished.code);
        } else survivor = service;
      }
      expect(survivor).not.toBeNull();
      const service = survivor as unknown as RunningService;
      try {
        // Its first delivery is not counted (nothing was redelivered yet): it crashed MAX_DELIVERIES times.
        expect(crashes).toHaveLength(MAX_DELIVERIES);
        expect(crashes.every((code) => code !== 0)).toBe(true);
        await waitFor(
          'the good messages handled',
          () => {
            for (const n of numbers(service.output(), 'handled')) handled.add(n);
            return handled.size === 5;
          },
          30_000,
        );
        expect([...handled].sort()).toEqual([1, 2, 3, 4, 5]);
        const parked = await takeAll(vhost.url(), DEAD_LETTERS);
        expect(parked).toHaveLength(1);
        expect(JSON.parse(parked[0].body)).toEqual({ n: 0, kind: 'crash' });
        expect(parked[0].headers['x-death-reason']).toBe('delivery-limit');
        expect(String(parked[0].headers['x-last-error'])).toContain(`delivered ${MAX_DELIVERIES + 1} times`);
        expect(await takeAll(vhost.url(), QUEUE)).toEqual([]);
        expect(await deliveryRows(database.url)).toBe(0);
      } finally {
        service.child.kill('SIGTERM');
        await service.exited(30_000);
      }
    });

    it('times out a handler that never completes, retries it, then parks it; the other messages go on', async () => {
      const service = await startService({
        BUS_HANDLER_TIMEOUT: '500ms',
        BUS_RETRY_DELAYS: '100ms,100ms',
        // One slot: a handler that held it for ever would stop every other message.
        BUS_PREFETCH: '1',
      });
      try {
        await waitFor('the service listening', () => service.output().includes('listening'), 90_000);
        await declareAndPublish(vhost.url(), [{ n: 100, kind: 'hang' }, { n: 101 }, { n: 102 }]);
        await waitFor(
          'the hanging message parked',
          async () => (await depthIs(vhost.url(), DEAD_LETTERS, 1)) || (await sleep(250), false),
          60_000,
        );
        await waitFor(
          'the other messages handled',
          () => numbers(service.output(), 'handled').length === 2,
          30_000,
        );
        expect(numbers(service.output(), 'handled').sort()).toEqual([101, 102]);
        // The first delivery and two retries each ran and timed out.
        expect(numbers(service.output(), 'started').filter((n) => n === 100)).toHaveLength(3);
        const parked = await takeAll(vhost.url(), DEAD_LETTERS);
        expect(parked).toHaveLength(1);
        expect(parked[0].headers['x-death-reason']).toBe('retries-exhausted');
        expect(String(parked[0].headers['x-last-error'])).toContain('HandlerTimeoutError');
      } finally {
        service.child.kill('SIGTERM');
        expect((await service.exited(30_000)).code).toBe(0);
      }
    });
  },
);

/** Polls (bounded) until the process has exited or the poison message sits in the dead-letter queue. */
async function crashedOrParked(service: RunningService, url: string): Promise<'crashed' | 'parked'> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (service.child.exitCode !== null || service.child.signalCode !== null) return 'crashed';
    if (await depthIs(url, DEAD_LETTERS, 1)) return 'parked';
    await sleep(250);
  }
  throw new Error('the service neither crashed nor parked the poison message within 120 s');
}

function numbers(output: string, word: 'handled' | 'started'): number[] {
  return [...output.matchAll(new RegExp(`^${word} (\\d+)$`, 'gm'))].map((match) => Number(match[1]));
}

/** Declares the service queue and its binding (as the service will) and publishes, confirmed. */
async function declareAndPublish(url: string, bodies: readonly PoisonTestBody[]): Promise<void> {
  const connection = await connect(url);
  try {
    const channel = await connection.createConfirmChannel();
    await channel.assertExchange('events', 'topic', { durable: true });
    await channel.assertQueue(QUEUE, { durable: true });
    await channel.bindQueue(QUEUE, 'events', 'poison.work');
    for (const body of bodies)
      channel.publish('events', 'poison.work', Buffer.from(JSON.stringify(body)), {
        persistent: true,
        contentType: 'application/json',
        messageId: `poison-${body.n}`,
      });
    await channel.waitForConfirms();
  } finally {
    await connection.close();
  }
}

async function depthIs(url: string, queue: string, depth: number): Promise<boolean> {
  const connection = await connect(url);
  try {
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    const found = await channel.checkQueue(queue).then(
      (ok) => ok.messageCount,
      () => 0,
    );
    return found === depth;
  } finally {
    await connection.close().catch(() => undefined);
  }
}

async function takeAll(
  url: string,
  queue: string,
): Promise<{ body: string; headers: Record<string, unknown> }[]> {
  const connection = await connect(url);
  try {
    const channel = await connection.createChannel();
    const taken: { body: string; headers: Record<string, unknown> }[] = [];
    for (let i = 0; i < 100; i++) {
      const message = await channel.get(queue, { noAck: true });
      if (message === false) break;
      taken.push({
        body: message.content.toString(),
        headers: message.properties.headers ?? {},
      });
    }
    return taken;
  } finally {
    await connection.close();
  }
}

async function deliveryRows(databaseUrl: string): Promise<number> {
  const { Client } = await import('pg');
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const result = await client.query<{ count: string }>('SELECT count(*) AS count FROM bus_deliveries');
    return Number(result.rows[0].count);
  } finally {
    await client.end();
  }
}
