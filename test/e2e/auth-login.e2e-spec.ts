import { generateTestKeys, TestKeys } from '../factories/token.factory';
import { AuthTestApp, createUser, loginServiceEnv, startAuthApp } from './auth-support';
import { testDatabases } from '../support/database';

const BAD_CREDENTIALS = {
  statusCode: 401,
  error: 'Unauthorized',
  message: 'No active account found with the given credentials',
};

describe.each(testDatabases())('auth: POST /api/token/ on $name', (database) => {
  let keys: TestKeys;
  let app: AuthTestApp;

  beforeAll(async () => {
    keys = await generateTestKeys();
    app = await startAuthApp({
      ...loginServiceEnv(keys, database.url()),
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

  it('tells browsers and proxies not to store an answer that carries tokens', async () => {
    const user = await createUser(app);
    const loggedIn = await post('/api/token/', { username: user.username, password: user.password });
    const refreshed = await post('/api/token/refresh/', {
      refresh: ((await loggedIn.json()) as { refresh: string }).refresh,
    });
    for (const response of [loggedIn, refreshed]) {
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('pragma')).toBe('no-cache');
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
