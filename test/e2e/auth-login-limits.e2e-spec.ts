import { DataSource } from 'typeorm';
import { generateTestKeys, TestKeys } from '../factories/token.factory';
import { testDatabases, truncateTables } from '../support/database';
import { AuthTestApp, createUser, loginServiceEnv, startAuthApp } from './auth-support';

type Store = 'memory' | 'database';

const stores = (database: string): Store[] =>
  database === 'postgres' ? ['database'] : ['memory', 'database'];

describe.each(
  testDatabases().flatMap((database) => stores(database.name).map((store) => ({ database, store }))),
)('auth: login rate limits on $database.name, counted in $store', ({ database, store }) => {
  let keys: TestKeys;
  let databaseUrl: string;
  let app: AuthTestApp;

  beforeAll(async () => {
    keys = await generateTestKeys();
    databaseUrl = database.url();
    app = await startAuthApp({
      ...loginServiceEnv(keys, databaseUrl),
      LOGIN_RATE_LIMIT_STORE: store,
      LOGIN_RATE_LIMIT_IP: '6',
      LOGIN_RATE_LIMIT_IP_USERNAME: '3',
      LOGIN_RATE_LIMIT_USERNAME: '5',
      LOGIN_RATE_WINDOW: '10m',
      TRUST_PROXY: '1',
    });
  });
  // The counts live in the run's shared database with a 10-minute window: left behind, they would
  // throttle the next suites' logins from 127.0.0.1 (each app reads the stored window).
  afterAll(async () => {
    await app?.close();
    await truncateTables(databaseUrl, ['login_attempts']);
  });
  beforeEach(() => truncateTables(databaseUrl, ['login_attempts']));

  /**
   * `from` is the address the (one, trusted) proxy in front saw; the client forges the rest. An
   * empty password counts like any attempt, then gets 400 before the (slow) password check.
   */
  const attempt = (username: string, from: string, password = '', forged = '6.6.6.6') =>
    app.request('/api/token/', {
      method: 'POST',
      json: { username, password },
      headers: { 'x-forwarded-for': `${forged}, ${from}` },
    });

  it('limits one client per username, then per client, with 429, Retry-After and the JSON error shape', async () => {
    const user = await createUser(app);
    const statuses: number[] = [];
    for (let i = 0; i < 2; i++) statuses.push((await attempt(user.username, '198.51.100.1')).status);
    statuses.push((await attempt(user.username, '198.51.100.1', 'wrong-password')).status);
    expect(statuses).toEqual([400, 400, 401]);

    // Even the right password is refused once the pair is locked: the limit is not an oracle.
    const locked = await attempt(user.username, '198.51.100.1', user.password);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await locked.json()).toEqual({
      statusCode: 429,
      error: 'Too Many Requests',
      message: expect.stringMatching(/^too many login attempts/),
    });
    // Case does not get around it.
    expect((await attempt(user.username.toUpperCase(), '198.51.100.1')).status).toBe(429);
    // The owner, from another address, still logs in.
    expect((await attempt(user.username, '198.51.100.2', user.password)).status).toBe(200);

    // Same client, other usernames: the per-client limit (6) ends it.
    expect((await attempt('someone_else', '198.51.100.1')).status).toBe(400);
    expect((await attempt('someone_else_2', '198.51.100.1')).status).toBe(429);
  });

  it('counts the address the trusted proxy saw, whatever X-Forwarded-For the client forged', async () => {
    const forgedEachTime = async (i: number) =>
      (await attempt(`victim${i}`, '198.51.100.7', '', `7.7.7.${i}`)).status;
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push(await forgedEachTime(i));
    expect(statuses).toEqual([400, 400, 400, 400, 400, 400, 429, 429]);
  });

  it('caps a username across addresses at the looser ceiling', async () => {
    const user = await createUser(app);
    const statuses: number[] = [];
    for (let i = 1; i <= 6; i++) statuses.push((await attempt(user.username, `203.0.113.${i}`)).status);
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429]);
  });

  it('counts an IPv6 /64 as one client', async () => {
    const statuses: number[] = [];
    for (let i = 1; i <= 7; i++) statuses.push((await attempt(`v6user${i}`, `2001:db8:aa:bb::${i}`)).status);
    expect(statuses).toEqual([400, 400, 400, 400, 400, 400, 429]);
    expect((await attempt('v6user8', '2001:db8:aa:bc::1')).status).toBe(400);
  });

  it('does not limit other routes', async () => {
    for (let i = 0; i < 10; i++) expect((await app.request('/api/me')).status).toBe(401);
    expect((await app.request('/health/live')).status).toBe(200);
  });

  if (store === 'database') {
    it('stores neither usernames nor addresses, only keyed hashes', async () => {
      const ids = async () =>
        (await app.app.get(DataSource).query<{ id: string }[]>('SELECT id FROM login_attempts')).map(
          (row) => row.id,
        );
      const before = new Set(await ids());
      await attempt('secret_username_x', '198.51.100.99');
      const added = (await ids()).filter((id) => !before.has(id));
      expect(added).toHaveLength(3);
      for (const id of added) expect(id).toMatch(/^[\w-]{43}$/);
    });
  }
});

describe.each(testDatabases())('auth: login limits shared by two replicas on $name', (database) => {
  let keys: TestKeys;
  let replicas: AuthTestApp[] = [];

  beforeAll(async () => {
    keys = await generateTestKeys();
    const databaseUrl = database.url();
    const env = {
      ...loginServiceEnv(keys, databaseUrl),
      LOGIN_RATE_LIMIT_STORE: 'database',
      LOGIN_RATE_LIMIT_IP: '1000',
      LOGIN_RATE_LIMIT_IP_USERNAME: '5',
      LOGIN_RATE_LIMIT_USERNAME: '1000',
      LOGIN_RATE_WINDOW: '10m',
    };
    replicas = [await startAuthApp(env), await startAuthApp(env)];
  });
  afterAll(async () => {
    for (const replica of replicas) await replica.close();
    await truncateTables(database.url(), ['login_attempts']);
  });

  it('N replicas allow what one does, even for concurrent attempts', async () => {
    const user = await createUser(replicas[0]);
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        replicas[i % 2].request('/api/token/', {
          method: 'POST',
          json: { username: user.username, password: '' },
        }),
      ),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([...Array<number>(5).fill(400), ...Array<number>(7).fill(429)]);
  });

  it('deletes rows whose window ended', async () => {
    const dataSource = replicas[0].app.get(DataSource);
    await dataSource.query(
      "INSERT INTO login_attempts (id, attempts, window_ends_at) VALUES ('ended-window-row', 3, 1000)",
    );
    // A fresh replica prunes on its first attempt.
    const fresh = await startAuthApp({
      ...loginServiceEnv(keys, database.name === 'postgres' ? database.url() : dataSourceUrl(dataSource)),
      LOGIN_RATE_LIMIT_STORE: 'database',
    });
    try {
      await fresh.request('/api/token/', { method: 'POST', json: { username: 'nobody', password: 'x' } });
      await expectEventually(async () => {
        const rows = await dataSource.query<unknown[]>(
          "SELECT id FROM login_attempts WHERE id = 'ended-window-row'",
        );
        return rows.length === 0;
      });
    } finally {
      await fresh.close();
    }
  });
});

function dataSourceUrl(dataSource: DataSource): string {
  return `sqlite:///${String(dataSource.options.database)}`;
}

async function expectEventually(predicate: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error('condition not met within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
