import { Client } from 'pg';
import { generateTestKeys, signValid, TestKeys } from '../factories/token.factory';
import { sleep, uniqueName, waitFor } from '../support/broker';
import { freePort } from '../support/ports';
import { PrivatePostgres, PrivateRabbitMq } from '../support/private-services';
import { RunningService, spawnService, waitForStatus } from '../support/spawn-service';

/** Short, so a hang would show within the test's time; the database gives up well before. */
const REQUEST_TIMEOUT_MS = 4_000;
/** A request that takes longer than this has hung: the service promised an answer by REQUEST_TIMEOUT. */
const HANG_MS = REQUEST_TIMEOUT_MS + 3_000;
const CLIENTS = 4;

interface Readiness {
  status: string;
  details?: Record<string, { status: string }>;
}

/** Answers of a bounded load, by request and status; `hung` counts requests the client gave up on. */
class BoundedLoad {
  readonly statuses = new Map<string, number>();
  /** The first bodies of answers that should never happen (500 and other 5xx but 503). */
  readonly unexpectedBodies: string[] = [];
  hung = 0;
  private running = false;
  private workers: Promise<void>[] = [];

  constructor(
    private readonly baseUrl: string,
    private readonly token: () => string,
  ) {}

  start(): void {
    this.running = true;
    this.workers = Array.from({ length: CLIENTS }, (_, client) => this.worker(client));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
  }

  count(prefix: string, status: number): number {
    return this.statuses.get(`${prefix} ${status}`) ?? 0;
  }

  /** Every status seen, e.g. `{"POST /api/items 201": 80, "POST /api/items 503": 12}`. */
  summary(): Record<string, number> {
    return { ...Object.fromEntries(this.statuses), hung: this.hung };
  }

  private async worker(client: number): Promise<void> {
    // Bounded: each client at most one request at a time, a short pause between them.
    for (let n = 0; this.running && n < 100_000; n++) {
      const write = (client + n) % 2 === 0;
      await this.request(
        write ? 'POST /api/items' : 'GET /health/ready',
        write ? '/api/items' : '/health/ready',
        write ? { name: `load-${client}-${n}`, quantity: n } : undefined,
      );
      await sleep(25);
    }
  }

  private async request(label: string, path: string, body?: unknown): Promise<void> {
    let status: string;
    try {
      const response = await fetch(`${this.baseUrl}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: {
          authorization: `Bearer ${this.token()}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(HANG_MS),
      });
      const text = await response.text();
      status = String(response.status);
      if (response.status >= 500 && response.status !== 503 && this.unexpectedBodies.length < 5)
        this.unexpectedBodies.push(`${label} ${status} ${text.slice(0, 300)}`);
    } catch (error) {
      if ((error as Error).name === 'TimeoutError') this.hung++;
      status = 'network-error';
    }
    const key = `${label} ${status}`;
    this.statuses.set(key, (this.statuses.get(key) ?? 0) + 1);
  }
}

// One service process (src/main.ts as it ships) on a PostgreSQL cluster and a RabbitMQ node of
// this suite's own, which it stops and starts: the shared servers stay up for every other suite.
describe('dependency faults while running: PostgreSQL and the broker restarted under load', () => {
  const postgres = new PrivatePostgres();
  const broker = new PrivateRabbitMq();
  const serviceQueue = uniqueName('depfaults');
  let keys: TestKeys;
  let service: RunningService | null = null;
  let baseUrl = '';
  let databaseUrl = '';

  const token = (): string => signValid(keys, { roles: ['items:write'] });

  async function readiness(): Promise<{ status: number; body: Readiness }> {
    const response = await fetch(`${baseUrl}/health/ready`, { signal: AbortSignal.timeout(HANG_MS) });
    return { status: response.status, body: (await response.json()) as Readiness };
  }

  async function postItem(name: string): Promise<number> {
    const response = await fetch(`${baseUrl}/api/items`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name, quantity: 1 }),
      signal: AbortSignal.timeout(HANG_MS),
    });
    await response.arrayBuffer();
    return response.status;
  }

  /** The service's error lines from the HTTP error filter (what it answered 500: bugs), shortened. */
  function unhandledErrors(): string[] {
    return (service?.output() ?? '')
      .split('\n')
      .filter((line) => line.includes('"level":"error"') && line.includes('"context":"HTTP"'))
      .map((line) => line.slice(0, 1500));
  }

  async function unpublished(): Promise<number> {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: string }>(
        'SELECT COUNT(*) AS n FROM sync_outbox WHERE sent_at IS NULL',
      );
      return Number(rows[0].n);
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    [keys] = await Promise.all([generateTestKeys(), postgres.start(), broker.start()]);
    const admin = new Client({ connectionString: postgres.serverUrl });
    await admin.connect();
    await admin.query('CREATE DATABASE test_dependency_faults');
    await admin.end();
    databaseUrl = postgres.serverUrl.replace(/\/postgres$/, '/test_dependency_faults');
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    service = spawnService('main.ts', {
      DEBUG: 'false',
      SECRET_KEY: 'test-secret-key-that-is-long-enough-0123456789',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
      MIGRATE_ON_START: 'true',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      AMQP_URL: broker.url(),
      SERVICE_NAME: serviceQueue,
      JWT_SIGN_KEY: keys.privatePem,
      JWT_VERIFY_KEY: keys.publicPem,
      REQUEST_TIMEOUT: `${REQUEST_TIMEOUT_MS}ms`,
      DATABASE_CONNECT_TIMEOUT: '1s',
    });
    await waitForStatus(`${baseUrl}/health/ready`, 200, 90_000).catch((error: Error) => {
      throw new Error(`${error.message}\n${service?.output().slice(-2000)}`);
    });
    await waitFor(
      'the service to consume its queue',
      async () => (await broker.consumers(serviceQueue)) > 0,
      30_000,
    );
  }, 180_000);

  afterAll(async () => {
    if (service && service.child.exitCode === null) {
      service.child.kill('SIGTERM');
      await service.exited(20_000);
    }
    await Promise.all([postgres.close(), broker.close()]);
  }, 60_000);

  it('PostgreSQL down: readiness 503 naming it (broker reported up), writes 503 before REQUEST_TIMEOUT, never a hang; all recovers without a restart', async () => {
    const load = new BoundedLoad(baseUrl, token);
    load.start();
    try {
      await sleep(1_000);
      await postgres.stop();

      let down: { status: number; body: Readiness } | null = null;
      await waitFor(
        'readiness to turn 503',
        async () => {
          down = await readiness();
          return down.status === 503;
        },
        20_000,
      );
      expect(down!.body.details?.database?.status).toBe('down');
      // DESIGN.md: the broker is reported in the body; it is up, and it does not decide the status.
      expect(down!.body.details?.broker?.status).toBe('up');
      expect(await postItem('while-down')).toBe(503);
      await sleep(2_000); // the load keeps hitting the service while the database is away

      await postgres.startAgain();
      await waitForStatus(`${baseUrl}/health/ready`, 200, 60_000);
      expect(await postItem('after-restart')).toBe(201);
      expect(service!.child.exitCode).toBeNull(); // recovered in the same process
    } finally {
      await load.stop();
    }
    process.stdout.write(`dependency faults, PostgreSQL restart: ${JSON.stringify(load.summary())}\n`);
    expect(load.hung).toBe(0);
    expect(load.count('POST /api/items', 503)).toBeGreaterThan(0);
    expect(load.count('POST /api/items', 201)).toBeGreaterThan(0);
    // A 500 is a bug (the service logged it with its stack): show those lines.
    expect({
      answered500: load.count('POST /api/items', 500),
      bodies: load.unexpectedBodies,
      logged: unhandledErrors(),
    }).toEqual({ answered500: 0, bodies: [], logged: [] });
    expect(load.count('GET /health/ready', 500)).toBe(0);
    expect([...load.statuses.keys()].filter((key) => key.endsWith('network-error'))).toEqual([]);
  }, 180_000);

  it('broker down: readiness stays 200 and reports it down, writes still 201 (the outbox holds them); after it returns the consumer re-attaches and the outbox drains', async () => {
    const load = new BoundedLoad(baseUrl, token);
    load.start();
    try {
      await sleep(1_000);
      await broker.stopApp();

      let reported: { status: number; body: Readiness } | null = null;
      await waitFor(
        'readiness to report the broker down',
        async () => {
          reported = await readiness();
          return reported.body.details?.broker?.status === 'down';
        },
        20_000,
      );
      expect(reported!.status).toBe(200);
      expect(reported!.body.details?.database?.status).toBe('up');
      expect(await postItem('while-broker-down')).toBe(201);
      await sleep(2_000);

      await broker.startApp();
      await waitFor(
        'readiness to report the broker up again',
        async () => (await readiness()).body.details?.broker?.status === 'up',
        60_000,
      );
      await waitFor(
        'the consumer to re-attach',
        async () => (await broker.consumers(serviceQueue)) > 0,
        60_000,
      );
      await waitFor('the outbox to drain', async () => (await unpublished()) === 0, 60_000);
      expect(service!.child.exitCode).toBeNull();
    } finally {
      await load.stop();
    }
    process.stdout.write(`dependency faults, broker restart: ${JSON.stringify(load.summary())}\n`);
    expect(load.hung).toBe(0);
    const failed = Object.entries(load.summary()).filter(
      ([key, n]) => key !== 'hung' && n > 0 && !/ (200|201)$/.test(key),
    );
    expect(failed).toEqual([]);
  }, 240_000);
});
