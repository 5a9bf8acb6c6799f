import { jwtVerify } from 'jose';
import { generateTestKeys, signValid, TestKeys } from '../factories/token.factory';
import { testDatabases } from '../support/database';
import { AuthTestApp, createUser, login, loginServiceEnv, startAuthApp } from './auth-support';

const ISSUER = 'https://login.example.com';
const AUDIENCE = 'https://api.example.com';

describe.each(testDatabases())('auth: JWT_ISSUER and JWT_AUDIENCE on our own tokens on $name', (database) => {
  let keys: TestKeys;
  let loginService: AuthTestApp;
  let verifyOnly: AuthTestApp;
  let otherAudience: AuthTestApp;

  beforeAll(async () => {
    keys = await generateTestKeys();
    const shared = { JWT_ISSUER: ISSUER, DATABASE_URL: database.url() };
    loginService = await startAuthApp({
      ...loginServiceEnv(keys, database.url()),
      ...shared,
      JWT_AUDIENCE: AUDIENCE,
    });
    const verifyEnv = { ...shared, JWT_SIGN_KEY: '0', JWT_VERIFY_KEY: keys.publicPem };
    verifyOnly = await startAuthApp({ ...verifyEnv, JWT_AUDIENCE: AUDIENCE });
    otherAudience = await startAuthApp({ ...verifyEnv, JWT_AUDIENCE: 'https://reports.example.com' });
  });
  afterAll(async () => {
    await otherAudience?.close();
    await verifyOnly?.close();
    await loginService?.close();
  });

  it('signs iss and aud into access and refresh tokens, as an independent library reads them', async () => {
    const user = await createUser(loginService);
    const { access, refresh } = await login(loginService, user.username, user.password);
    for (const token of [access, refresh]) {
      // jose, not jsonwebtoken: the library the service itself neither signs nor verifies with.
      const { payload } = await jwtVerify(token, keys.publicKey, {
        algorithms: ['RS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
      });
      expect(payload).toMatchObject({ iss: ISSUER, aud: AUDIENCE, sub: user.id });
    }
  });

  it('a verify-only service for the same audience lets the token in; one for another audience does not', async () => {
    const user = await createUser(loginService, { roles: ['admin'] });
    const { access } = await login(loginService, user.username, user.password);
    expect((await verifyOnly.request('/api/me', { token: access })).status).toBe(200);
    const refused = await otherAudience.request('/api/me', { token: access });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { message: string }).message).toBe('wrong audience');
  });

  it('refuses a token without iss or aud, or with another issuer, signed by the trusted key', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ aud: AUDIENCE }, 'wrong issuer'],
      [{ iss: ISSUER }, 'wrong audience'],
      [{ iss: 'https://evil.example.com', aud: AUDIENCE }, 'wrong issuer'],
      [{ iss: ISSUER, aud: ['https://reports.example.com'] }, 'wrong audience'],
    ];
    for (const [claims, reason] of cases) {
      const response = await verifyOnly.request('/api/me', { token: signValid(keys, claims) });
      expect(((await response.json()) as { message: string }).message).toBe(reason);
    }
    const listed = signValid(keys, { iss: ISSUER, aud: ['https://reports.example.com', AUDIENCE] });
    expect((await verifyOnly.request('/api/me', { token: listed })).status).toBe(200);
  });

  it('refreshes a token it issued with iss and aud, and refuses a refresh token without them', async () => {
    const user = await createUser(loginService);
    const { refresh } = await login(loginService, user.username, user.password);
    const rotated = await loginService.request('/api/token/refresh/', { method: 'POST', json: { refresh } });
    expect(rotated.status).toBe(200);
    const bare = signValid(keys, { token_type: 'refresh', sub: user.id, user_id: user.id });
    const refused = await loginService.request('/api/token/refresh/', {
      method: 'POST',
      json: { refresh: bare },
    });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { message: string }).message).toBe('wrong issuer');
  });
});
