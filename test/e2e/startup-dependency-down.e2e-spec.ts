import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createScratchDatabase } from '../support/database';
import { freePort } from '../support/ports';
import { spawnService, waitForStatus } from '../support/spawn-service';
import { TcpProxy } from '../support/tcp-proxy';
import { requireBroker, uniqueName, waitFor } from '../support/broker';
import { PrivateVhost } from '../support/private-vhost';

// Spawns the service and waits through several reconnect attempts.
jest.setTimeout(120_000);

const ATTEMPT_LINE = /database: attempt (\d+) failed \(([^)]*)\); trying again in/g;

describe('start-up while PostgreSQL is unreachable', () => {
  let scratch: { url: string; drop(): Promise<void> };
  const proxy = new TcpProxy(5432);

  beforeAll(async () => {
    scratch = await createScratchDatabase('startup_down');
  });

  afterAll(async () => {
    await proxy.close();
    await scratch.drop();
  });

  it('listens at once (live 200, ready 503, routes 503), then migrates and serves once the database answers', async () => {
    // The proxy's port, not yet listening: connections are refused as with a database that is down.
    proxy.port = await freePort();
    const databaseUrl = new URL(scratch.url);
    databaseUrl.port = String(proxy.port);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const service = spawnService('main.ts', {
      DEBUG: 'true',
      PORT: String(port),
      DATABASE_URL: databaseUrl.toString(),
      MIGRATE_ON_START: 'true',
      LOG_LEVEL: 'info',
    });
    try {
      await waitForStatus(`${base}/health/live`, 200, 60_000);
      const ready = await fetch(`${base}/health/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ status: 'error', error: { database: { status: 'down' } } });
      const items = await fetch(`${base}/api/items`);
      expect(items.status).toBe(503);
      expect(await items.json()).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });

      await waitFor(
        'two reconnect attempts in the log',
        () => attempts(service.output()).length >= 2,
        30_000,
      );
      const seen = attempts(service.output());
      expect(seen.map((attempt) => attempt.number)).toEqual(seen.map((_, index) => index + 1));
      expect(seen[0].reason).toMatch(/ECONNREFUSED/);

      await proxy.start();
      await waitForStatus(`${base}/health/ready`, 200, 60_000);
      // A route that reads the database: an unknown user is a 401, not a 503 or a 500.
      const login = await fetch(`${base}/api/token/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'nobody', password: 'wrong-password' }),
      });
      expect(login.status).toBe(401);
      expect(await appliedMigrations(scratch.url)).toBeGreaterThan(0);

      service.child.kill('SIGTERM');
      expect((await service.exited(20_000)).code).toBe(0);
    } finally {
      service.child.kill('SIGKILL');
    }
  });
});

const describeBroker = requireBroker() ? describe : describe.skip;

describeBroker('start-up while RabbitMQ is unreachable', () => {
  const vhost = new PrivateVhost(uniqueName('startup-down').replace(/\./g, '-'));
  const brokerProxy = new TcpProxy(5672);

  beforeAll(async () => {
    await vhost.create();
  });

  afterAll(async () => {
    await brokerProxy.close();
    await vhost.delete();
  });

  it('answers probes during the bounded broker wait, serves without the broker, and attaches once it answers', async () => {
    brokerProxy.port = await freePort();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const workdir = mkdtempSync(join(tmpdir(), 'm8e-broker-down-'));
    const service = spawnService(
      'main.ts',
      {
        DEBUG: 'true',
        PORT: String(port),
        SERVICE_NAME: uniqueName('startup-down'),
        AMQP_URL: vhost.url(brokerProxy.port),
      },
      [],
      workdir,
    );
    try {
      await waitForStatus(`${base}/health/live`, 200, 60_000);
      // Live while start-up still waits (10 s) for the broker, not only after it gave up.
      expect(service.output()).not.toContain('no broker after');
      await waitForStatus(`${base}/health/ready`, 200, 60_000);
      expect(service.output()).toContain('no broker after');
      // The broker is not critical: ready, with the broker reported down.
      expect(await readiness(base)).toMatchObject({ error: { broker: { status: 'down' } } });
      expect((await fetch(`${base}/api/items`)).status).toBe(401); // the app itself answers

      await brokerProxy.start();
      await waitFor(
        'the broker to be reported up',
        async () => {
          const body = (await readiness(base)) as { info?: { broker?: { status?: string } } };
          return body.info?.broker?.status === 'up';
        },
        45_000,
      );
      service.child.kill('SIGTERM');
      expect((await service.exited(20_000)).code).toBe(0);
    } finally {
      service.child.kill('SIGKILL');
    }
  });
});

async function readiness(base: string): Promise<unknown> {
  return (await fetch(`${base}/health/ready`)).json();
}

function attempts(output: string): { number: number; reason: string }[] {
  return [...output.matchAll(ATTEMPT_LINE)].map((match) => ({ number: Number(match[1]), reason: match[2] }));
}

async function appliedMigrations(url: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ count: string }>('SELECT count(*) AS count FROM migrations');
    return Number(result.rows[0].count);
  } finally {
    await client.end();
  }
}
