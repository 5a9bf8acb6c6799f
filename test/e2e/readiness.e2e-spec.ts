import { Client } from 'pg';
import { POSTGRES_SERVER_URL, testDatabases } from '../support/database';
import { startTestApp, TestApp } from '../support/test-app';

const hasPostgres = testDatabases().some((database) => database.name === 'postgres');

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: POSTGRES_SERVER_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Cuts the app off its database the way an outage would: refuse new connections, drop the open ones. */
async function cutOff(name: string, isCut: boolean): Promise<void> {
  await admin(async (client) => {
    await client.query(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS ${isCut ? 'false' : 'true'}`);
    if (isCut) {
      await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
    }
  });
}

(hasPostgres ? describe : describe.skip)('readiness when the database goes away (PostgreSQL)', () => {
  const name = `test_readiness_${process.pid}_${Date.now()}`;
  let testApp: TestApp;

  beforeAll(async () => {
    await admin((client) => client.query(`CREATE DATABASE "${name}"`));
    const url = new URL(POSTGRES_SERVER_URL);
    url.pathname = `/${name}`;
    testApp = await startTestApp({ DATABASE_URL: url.toString() });
  });

  afterAll(async () => {
    await cutOff(name, false);
    await testApp?.close();
    await admin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  });

  it('answers 503 naming the database while it is unreachable, 200 again once it is back, and stays live', async () => {
    expect((await testApp.request('/health/ready')).status).toBe(200);

    await cutOff(name, true);
    const down = await testApp.request('/health/ready');
    expect(down.status).toBe(503);
    const text = await down.text();
    // The dependency and its state only: no host, database, user or driver message.
    expect(JSON.parse(text)).toEqual({
      statusCode: 503,
      message: 'not ready: database',
      status: 'error',
      info: { broker: { status: 'up' } },
      error: { database: { status: 'down' } },
      details: { broker: { status: 'up' }, database: { status: 'down' } },
    });
    expect(text).not.toContain(name);
    expect((await testApp.request('/health/live')).status).toBe(200);

    await cutOff(name, false);
    expect((await testApp.request('/health/ready')).status).toBe(200);
  });
});
