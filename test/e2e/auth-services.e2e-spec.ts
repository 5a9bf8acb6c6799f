import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { publicJwkWithKid } from '../../src/auth/rsa-keys';
import { generateTestKeys, signValid, tamperPayload, TestKeys } from '../factories/token.factory';
import { sleep } from '../support/broker';
import { AuthTestApp, createUser, login, loginServiceEnv, sqliteUrl, startAuthApp } from './auth-support';
import { testDatabases } from '../support/database';

describe.each(testDatabases())('auth: a login service and a verify-only service on $name', (database) => {
  let keys: TestKeys;
  let loginService: AuthTestApp;
  let verifyOnly: AuthTestApp;

  beforeAll(async () => {
    keys = await generateTestKeys();
    loginService = await startAuthApp(loginServiceEnv(keys, database.url()));
    verifyOnly = await startAuthApp({
      JWT_SIGN_KEY: '0',
      JWT_VERIFY_KEY: keys.publicPem,
      DATABASE_URL: database.url(),
    });
  });
  afterAll(async () => {
    await verifyOnly?.close();
    await loginService?.close();
  });

  it("a token from the login service opens the verify-only service's protected route", async () => {
    const user = await createUser(loginService, { roles: ['admin'] });
    const { access } = await login(loginService, user.username, user.password);
    const response = await verifyOnly.request('/api/me', { token: access });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ user_id: user.id, username: user.username, roles: ['admin'] });
    expect(
      (await verifyOnly.request('/api/items', { method: 'POST', json: { name: 'w' }, token: access })).status,
    ).toBe(201);
  });

  it('a forged token does not', async () => {
    const user = await createUser(loginService);
    const { access } = await login(loginService, user.username, user.password);
    const forged = tamperPayload(access, { roles: ['admin'] });
    expect((await verifyOnly.request('/api/me', { token: forged })).status).toBe(401);
    expect(
      (await verifyOnly.request('/api/items', { method: 'POST', json: { name: 'w' }, token: forged })).status,
    ).toBe(401);
  });

  it.each([
    ['POST', '/api/token/'],
    ['POST', '/api/token/refresh/'],
    ['POST', '/api/token/verify/'],
    ['GET', '/.well-known/jwks.json'],
  ])('the verify-only service has no %s %s (404)', async (method, path) => {
    const response = await verifyOnly.request(path, method === 'POST' ? { method, json: {} } : { method });
    expect(response.status).toBe(404);
    expect(
      (await loginService.request(path, method === 'POST' ? { method, json: {} } : { method })).status,
    ).not.toBe(404);
  });
});

describe('auth: a verify-only service reading a JWKS URL', () => {
  let served: TestKeys[];
  let jwksServer: Server;
  let fetches = 0;
  let verifyOnly: AuthTestApp;
  let oldKeys: TestKeys;
  let newKeys: TestKeys;

  beforeAll(async () => {
    [oldKeys, newKeys] = await Promise.all([generateTestKeys(), generateTestKeys()]);
    served = [oldKeys];
    jwksServer = createServer((_request, response) => {
      fetches += 1;
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ keys: served.map((k) => publicJwkWithKid(k.publicKey)) }));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    const { port } = jwksServer.address() as AddressInfo;
    verifyOnly = await startAuthApp({
      JWT_SIGN_KEY: '0',
      JWT_VERIFY_KEY: `http://127.0.0.1:${port}/.well-known/jwks.json`,
      JWKS_REFETCH_INTERVAL: '1',
      DATABASE_URL: sqliteUrl(),
    });
  });
  afterAll(async () => {
    await verifyOnly?.close();
    await new Promise((resolve) => jwksServer?.close(resolve));
  });

  it('accepts tokens of a key from the JWKS and picks up a rotated key without a restart', async () => {
    expect((await verifyOnly.request('/api/me', { token: signValid(oldKeys) })).status).toBe(200);
    await sleep(1100); // past JWKS_REFETCH_INTERVAL since the fetch at start
    const before = fetches;
    expect((await verifyOnly.request('/api/me', { token: signValid(newKeys) })).status).toBe(401);
    expect(fetches).toBe(before + 1);
    served = [oldKeys, newKeys];
    await sleep(1100);
    expect((await verifyOnly.request('/api/me', { token: signValid(newKeys) })).status).toBe(200);
  });

  it('refuses, from the next JWKS fetch on, tokens of a key the login service dropped, cached or not', async () => {
    const old = signValid(oldKeys);
    expect((await verifyOnly.request('/api/me', { token: old })).status).toBe(200); // now cached
    served = [newKeys];
    await sleep(1100);
    // A token naming a kid we do not know makes the service fetch the JWKS again.
    expect(
      (await verifyOnly.request('/api/me', { token: signValid(newKeys, {}, { kid: 'no-such-kid' }) })).status,
    ).toBe(401);
    const refused = await verifyOnly.request('/api/me', { token: old });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { message: string }).message).toBe('unknown key id');
    expect((await verifyOnly.request('/api/me', { token: signValid(newKeys) })).status).toBe(200);
  });
});
