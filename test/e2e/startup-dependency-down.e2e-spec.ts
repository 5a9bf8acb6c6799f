import { Client } from 'pg';
import { createScratchDatabase } from '../support/database';
import { freePort } from '../support/ports';
import { spawnService, waitForStatus } from '../support/spawn-service';
import { TcpProxy } from '../support/tcp-proxy';
import { waitFor } from '../support/broker';

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
