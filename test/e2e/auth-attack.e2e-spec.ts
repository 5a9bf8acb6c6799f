import {
  buildClaims,
  FORGERIES,
  generateTestKeys,
  signRaw,
  signValid,
  TestKeys,
} from '../factories/token.factory';
import { AuthTestApp, createUser, loginServiceEnv, login, startAuthApp } from './auth-support';
import { testDatabases } from '../support/database';

const LEEWAY = 30;

describe.each(testDatabases())('auth: forged and broken tokens over HTTP on $name', (database) => {
  let keys: TestKeys;
  let otherKeys: TestKeys;
  let app: AuthTestApp;

  beforeAll(async () => {
    [keys, otherKeys] = await Promise.all([generateTestKeys(), generateTestKeys()]);
    app = await startAuthApp({ ...loginServiceEnv(keys, database.url()), JWT_LEEWAY: String(LEEWAY) });
  });
  afterAll(() => app?.close());

  async function me(token: string | undefined, authorization?: string) {
    const headers: Record<string, string> = {};
    if (authorization !== undefined) headers.authorization = authorization;
    const response = await app.request('/api/me', { token, headers });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('lets a token it issued through', async () => {
    const user = await createUser(app, { roles: ['reader'] });
    const { access } = await login(app, user.username, user.password);
    await expect(me(access)).resolves.toEqual({
      status: 200,
      body: { user_id: user.id, username: user.username, roles: ['reader'] },
    });
  });

  it.each(FORGERIES)('refuses a forged token ($name) with 401 "$reason", never a 5xx', async (forgery) => {
    const { body } = await me(forgery.build(keys, otherKeys, LEEWAY));
    expect(body).toEqual({ statusCode: 401, error: 'Unauthorized', message: forgery.reason });
  });

  it('answers a missing or non-Bearer Authorization header with 401', async () => {
    expect((await me(undefined)).body.message).toBe('token missing');
    expect((await me(undefined, 'Basic YWxpY2U6cHc=')).body.message).toBe('token malformed');
    expect((await me(undefined, 'Bearer')).status).toBe(401);
    expect((await me(undefined, 'Bearer a b')).status).toBe(401);
  });

  it('refuses a token correctly signed by another key', async () => {
    const { status, body } = await me(signValid(otherKeys));
    expect(status).toBe(401);
    expect(body.message).toBe('unknown key id');
  });

  it('never leaks key material or internals in a 401', async () => {
    const { body } = await me(signRaw(buildClaims(), keys.publicPem, { alg: 'HS256', kid: keys.kid }));
    const text = JSON.stringify(body);
    expect(text).not.toMatch(/BEGIN|stack|at \/|node_modules/);
  });

  describe(`clock skew at the leeway edge (JWT_LEEWAY=${LEEWAY}s)`, () => {
    const now = () => Math.floor(Date.now() / 1000);

    it('accepts a token expired 5s inside the leeway', async () => {
      expect((await me(signValid(keys, { iat: now() - 600, exp: now() - (LEEWAY - 5) }))).status).toBe(200);
    });
    it('refuses a token expired 5s beyond the leeway', async () => {
      expect((await me(signValid(keys, { iat: now() - 600, exp: now() - (LEEWAY + 5) }))).body.message).toBe(
        'token expired',
      );
    });
    it('accepts nbf and iat 5s inside the leeway (a login service clock ahead of ours)', async () => {
      const ahead = now() + LEEWAY - 5;
      expect((await me(signValid(keys, { iat: ahead, nbf: ahead, exp: ahead + 300 }))).status).toBe(200);
    });
    it('refuses nbf 5s beyond the leeway', async () => {
      const ahead = now() + LEEWAY + 5;
      expect((await me(signValid(keys, { nbf: ahead, exp: ahead + 300 }))).body.message).toBe(
        'token not yet valid',
      );
    });
  });

  describe('items', () => {
    it('needs a valid access token to read', async () => {
      expect((await app.request('/api/items')).status).toBe(401);
      expect((await app.request('/api/items', { token: signValid(keys) })).status).toBe(200);
    });

    it('needs admin or items:write to write', async () => {
      const body = { name: 'widget' };
      const reader = await app.request('/api/items', {
        method: 'POST',
        json: body,
        token: signValid(keys, { roles: ['reader'] }),
      });
      expect(reader.status).toBe(403);
      expect(((await reader.json()) as { message: string }).message).toBe(
        'requires one of the roles: admin, items:write',
      );
      for (const role of ['admin', 'items:write']) {
        const writer = await app.request('/api/items', {
          method: 'POST',
          json: body,
          token: signValid(keys, { roles: [role] }),
        });
        expect(writer.status).toBe(201);
      }
    });
  });

  it('keeps health and the token endpoint public', async () => {
    expect((await app.request('/health/live')).status).toBe(200);
    expect(
      (await app.request('/api/token/', { method: 'POST', json: { username: 'nobody', password: 'x' } }))
        .status,
    ).toBe(401);
  });

  // The oversized one never reaches the verifier there: the body's token field is refused first.
  const verifiable = FORGERIES.filter((forgery) => forgery.name !== 'oversized');

  it.each(verifiable)('refuses a forged token ($name) on POST /api/token/verify/ too', async (forgery) => {
    const response = await app.request('/api/token/verify/', {
      method: 'POST',
      json: { token: forgery.build(keys, otherKeys, LEEWAY) },
    });
    expect(response.status).toBe(401);
  });

  it('refuses an oversized token on POST /api/token/verify/ with 400 naming the field', async () => {
    const response = await app.request('/api/token/verify/', {
      method: 'POST',
      json: { token: `${signValid(keys)}${'A'.repeat(9000)}` },
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(/^token /);
  });

  it('accepts a valid token on POST /api/token/verify/', async () => {
    expect(
      (await app.request('/api/token/verify/', { method: 'POST', json: { token: signValid(keys) } })).status,
    ).toBe(200);
  });
});
