import { connect } from 'amqplib';
import { createScratchDatabase } from '../support/database';
import { runHttpLoad } from '../support/http-load';
import { testKeyPair } from '../support/keys';
import { freePort } from '../support/ports';
import { PrivateVhost } from '../support/private-vhost';
import { requireBroker, sleep, uniqueName, waitFor } from '../support/broker';
import { spawnService, waitForStatus } from '../support/spawn-service';

// Spawns the service (seconds, tens of them on a loaded CI machine) and holds it under load.
jest.setTimeout(180_000);

const QUEUE = 'shutdown_load';
const MESSAGES = 600;
const DELAY_SECONDS = 3;
const TIMEOUT_SECONDS = 10;

const describeWithBroker = requireBroker() ? describe : describe.skip;

describeWithBroker('SIGTERM under HTTP and bus load (PostgreSQL, RabbitMQ, a real process)', () => {
  const vhost = new PrivateVhost(uniqueName('shutdown'));
  let database: { url: string; drop(): Promise<void> };

  beforeAll(async () => {
    database = await createScratchDatabase('shutdown_load');
    await vhost.create();
  });

  afterAll(async () => {
    await vhost.delete();
    await database.drop();
  });

  it('answers every request, loses no message and exits 0 within SHUTDOWN_DELAY + SHUTDOWN_TIMEOUT', async () => {
    const keys = testKeyPair();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const service = spawnService('../test/support/shutdown-load.main.ts', {
      DEBUG: 'false',
      SECRET_KEY: 'test-secret-key-that-is-long-enough-0123456789',
      JWT_SIGN_KEY: keys.privateKey,
      JWT_VERIFY_KEY: keys.publicKey,
      DATABASE_URL: database.url,
      MIGRATE_ON_START: 'true',
      AMQP_URL: vhost.url(),
      SERVICE_NAME: QUEUE,
      PORT: String(port),
      BUS_PREFETCH: '10',
      TEST_WORK_MS: '200',
      SHUTDOWN_DELAY: `${DELAY_SECONDS}s`,
      SHUTDOWN_TIMEOUT: `${TIMEOUT_SECONDS}s`,
      LOG_LEVEL: 'warn',
    });
    try {
      await waitForStatus(`${base}/health/ready`, 200, 90_000);
      await publishWork(vhost.url(), MESSAGES);
      await waitFor('the first handled message', () => handled(service.output()).length > 0, 30_000);

      // Traffic goes on for most of the delay after SIGTERM, as it does while Kubernetes
      // removes the endpoint; /slow keeps requests in flight when the server stops accepting.
      const signalAt = Date.now() + 1000;
      const load = runHttpLoad({
        baseUrl: base,
        paths: ['/', '/health/live', '/slow'],
        connections: 20,
        until: signalAt + (DELAY_SECONDS - 0.5) * 1000,
      });
      await sleep(signalAt - Date.now());
      service.child.kill('SIGTERM');
      const exited = service.exited((DELAY_SECONDS + TIMEOUT_SECONDS + 15) * 1000);
      // The signal is handled between two turns of a busy event loop: poll (bounded by the delay).
      const ready = await readinessOnceDown(base, DELAY_SECONDS * 1000);
      expect(ready.status).toBe(503);
      expect(ready.headers.get('connection')).toBe('close');
      expect(await ready.json()).toMatchObject({
        status: 'shutting_down',
        message: 'not ready: shutting down',
      });

      const result = await load;
      const finished = await exited;
      expect(result.failures).toEqual({});
      expect(result.failed).toBe(0);
      expect(result.ok).toBeGreaterThan(20); // the load really ran (its rate depends on the machine)
      expect(result.closing).toBeGreaterThan(0);
      expect(finished.stderr + finished.stdout).not.toContain('shutdown took longer than');
      expect(finished.code).toBe(0);

      const done = handled(finished.stdout);
      const queued = await drainQueue(vhost.url(), QUEUE);
      // SIGTERM came mid-load: some handled, some still waiting, every one exactly in one place.
      expect(done.length).toBeGreaterThan(0);
      expect(queued.length).toBeGreaterThan(0);
      expect(done.filter((n) => queued.includes(n))).toEqual([]);
      expect([...done, ...queued].sort((a, b) => a - b)).toEqual(range(MESSAGES));
      process.stdout.write(
        `shutdown under load: ${result.ok} requests answered, ${result.failed} failed, ` +
          `${result.closing} with Connection: close; ${done.length} messages handled, ${queued.length} left queued\n`,
      );
    } finally {
      service.child.kill('SIGKILL');
    }
  });
});

async function readinessOnceDown(base: string, withinMs: number): Promise<Response> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const response = await fetch(`${base}/health/ready`);
    if (response.status !== 200 || Date.now() > deadline) return response;
    await response.arrayBuffer();
    await sleep(50);
  }
}

function handled(output: string): number[] {
  return [...output.matchAll(/^handled (\d+)$/gm)].map((match) => Number(match[1]));
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_, index) => index);
}

async function publishWork(url: string, count: number): Promise<void> {
  const connection = await connect(url);
  try {
    const channel = await connection.createConfirmChannel();
    for (let n = 0; n < count; n++)
      channel.publish('events', 'load.work', Buffer.from(JSON.stringify({ n })), {
        persistent: true,
        contentType: 'application/json',
        messageId: `work-${n}`,
      });
    await channel.waitForConfirms();
  } finally {
    await connection.close();
  }
}

/** Takes every message left in the queue (bounded: at most the number published). */
async function drainQueue(url: string, queue: string): Promise<number[]> {
  const connection = await connect(url);
  try {
    const channel = await connection.createChannel();
    const found: number[] = [];
    for (let i = 0; i <= MESSAGES; i++) {
      const message = await channel.get(queue, { noAck: true });
      if (message === false) break;
      found.push((JSON.parse(message.content.toString()) as { n: number }).n);
    }
    return found;
  } finally {
    await connection.close();
  }
}
