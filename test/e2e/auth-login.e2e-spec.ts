import { generateTestKeys, TestKeys } from '../factories/token.factory';
import { AuthTestApp, createUser, loginServiceEnv, sqliteUrl, startAuthApp } from './auth-support';

const BAD_CREDENTIALS = {
  statusCode: 401,
  error: 'Unauthorized',
  message: 'No active account found with the given credentials',
};

describe('auth: POST /api/token/', () => {
  let keys: TestKeys;
  let app: AuthTestApp;

  beforeAll(async () => {
    keys = await generateTestKeys();
    app = await startAuthApp({
      ...loginServiceEnv(keys, sqliteUrl()),
      LOGIN_RATE_LIMIT_IP: '1000',
      LOGIN_RATE_LIMIT_USERNAME: '1000',
    });
  });
  afterAll(() => app?.close());

  const post = (path: string, json: unknown) => app.request(path, { method: 'POST', json });

  it('returns {access, refresh} for the right password (with or without the trailing slash)', async () => {
    const user = await createUser(app);
    for (const path of ['/api/token/', '/api/token']) {
      const response = await post(path, { username: user.username, password: user.password });
      expect(response.status).toBe(200);
      expect(Object.keys((await response.json()) as object).sort()).toEqual(['access', 'refresh']);
    }
  });

  it('answers wrong password, unknown user and inactive user identically', async () => {
    const user = await createUser(app);
    const inactive = await createUser(app, { isActive: false });
    const answers = await Promise.all([
      post('/api/token/', { username: user.username, password: 'wrong-password' }),
      post('/api/token/', { username: 'nobody_at_all', password: 'wrong-password' }),
      post('/api/token/', { username: inactive.username, password: inactive.password }),
    ]);
    for (const answer of answers) {
      expect(answer.status).toBe(401);
      expect(await answer.json()).toEqual(BAD_CREDENTIALS);
    }
  });

  it('answers 400 naming the field for a bad body', async () => {
    const response = await post('/api/token/', { username: 'alice' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(/password/);
  });
});

describe('auth: login rate limits', () => {
  let keys: TestKeys;
  let app: AuthTestApp;

  beforeAll(async () => {
    keys = await generateTestKeys();
    app = await startAuthApp({
      ...loginServiceEnv(keys, sqliteUrl()),
      LOGIN_RATE_LIMIT_IP: '6',
      LOGIN_RATE_LIMIT_USERNAME: '3',
      LOGIN_RATE_WINDOW: '10m',
    });
  });
  afterAll(() => app?.close());

  const attempt = (username: string, password = 'wrong-password') =>
    app.request('/api/token/', { method: 'POST', json: { username, password } });

  it('limits attempts per username, then per client, with 429, Retry-After and the JSON error shape', async () => {
    const user = await createUser(app);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await attempt(user.username)).status);
    expect(statuses).toEqual([401, 401, 401]);

    // Even the right password is refused once the username is locked: the limit is not an oracle.
    const locked = await attempt(user.username, user.password);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await locked.json()).toEqual({
      statusCode: 429,
      error: 'Too Many Requests',
      message: expect.stringMatching(/^too many login attempts/),
    });
    // Case does not get around it.
    expect((await attempt(user.username.toUpperCase())).status).toBe(429);

    // Same client, other usernames: the per-client limit (6) ends it.
    expect((await attempt('someone_else')).status).toBe(401);
    expect((await attempt('someone_else_2')).status).toBe(429);
  });

  it('does not limit other routes', async () => {
    for (let i = 0; i < 10; i++) expect((await app.request('/api/me')).status).toBe(401);
    expect((await app.request('/health/live')).status).toBe(200);
  });
});
