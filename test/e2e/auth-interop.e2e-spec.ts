import jwt from 'jsonwebtoken';
import { randomUUID } from 'node:crypto';
import { generateTestKeys, TestKeys } from '../factories/token.factory';
import { AuthTestApp, createUser, login, loginServiceEnv, startAuthApp } from './auth-support';
import { testDatabases } from '../support/database';

/** Our tokens are plain RFC 7519/7515: an independent library reads ours and writes ones we accept. */
describe.each(testDatabases())('auth: interoperability with jsonwebtoken on $name', (database) => {
  let keys: TestKeys;
  let app: AuthTestApp;

  beforeAll(async () => {
    keys = await generateTestKeys();
    app = await startAuthApp(loginServiceEnv(keys, database.url()));
  });
  afterAll(() => app?.close());

  it('jsonwebtoken verifies our access and refresh tokens with the public key alone', async () => {
    const user = await createUser(app, { roles: ['admin', 'items:write'] });
    const { access, refresh } = await login(app, user.username, user.password);
    const verified = jwt.verify(access, keys.publicPem, { algorithms: ['RS256'], complete: true });
    expect(verified.header).toMatchObject({ alg: 'RS256', typ: 'JWT', kid: keys.kid });
    const claims = verified.payload as jwt.JwtPayload;
    expect(claims).toMatchObject({
      sub: user.id,
      user_id: user.id,
      username: user.username,
      roles: ['admin', 'items:write'],
      token_type: 'access',
    });
    expect(claims.exp! - claims.iat!).toBe(300);
    expect(claims.jti).toMatch(/^[0-9a-f]{32}$/);
    expect(
      (jwt.verify(refresh, keys.publicPem, { algorithms: ['RS256'] }) as jwt.JwtPayload).token_type,
    ).toBe('refresh');
  });

  it('the kid we publish in the JWKS is the one in our tokens', async () => {
    const jwks = (await (await app.request('/.well-known/jwks.json')).json()) as {
      keys: { kid: string; kty: string; d?: string }[];
    };
    expect(jwks.keys).toEqual([
      expect.objectContaining({ kid: keys.kid, kty: 'RSA', alg: 'RS256', use: 'sig' }),
    ]);
    expect(jwks.keys[0].d).toBeUndefined();
  });

  it.each(['RS256', 'RS512'] as const)('we accept a %s token that jsonwebtoken signed', async (algorithm) => {
    const userId = randomUUID();
    const token = jwt.sign(
      { user_id: userId, username: 'bob', roles: ['reader'], token_type: 'access', jti: randomUUID() },
      keys.privatePem,
      { algorithm, keyid: keys.kid, subject: userId, expiresIn: 60 },
    );
    const response = await app.request('/api/me', { token });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ user_id: userId, username: 'bob', roles: ['reader'] });
  });

  it('we refuse a jsonwebtoken HS256 token keyed with our public key', async () => {
    const token = jwt.sign(
      { user_id: 'x', sub: 'x', username: 'x', roles: [], token_type: 'access', jti: 'j' },
      keys.publicPem,
      {
        algorithm: 'HS256',
        keyid: keys.kid,
        expiresIn: 60,
      },
    );
    const response = await app.request('/api/me', { token });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { message: string }).message).toBe('algorithm not allowed');
  });
});
