import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { RefusedUsers } from '../../src/auth/refused-users';
import { TokenService } from '../../src/auth/token.service';
import {
  auth0IdTokenClaims,
  auth0Profile,
  keycloakAccessClaims,
  keycloakIdTokenClaims,
  keycloakProfile,
  Minting,
} from '../factories/idp-token.factory';
import { ClaimsProfile, forgeriesOf, generateTestKeys, signRaw, TestKeys } from '../factories/token.factory';
import { sleep } from '../support/broker';
import { freePort } from '../support/ports';
import { TEST_SECRET_KEY } from '../support/secret-key';
import { spawnService } from '../support/spawn-service';
import {
  AUTH0_LAYOUT,
  KEYCLOAK_LAYOUT,
  OidcProvider,
  ProviderLayout,
  startOidcProvider,
} from '../support/oidc-provider';
import { AuthTestApp, sqliteUrl, startAuthApp } from './auth-support';

const LEEWAY = 30;

interface ProviderCase {
  readonly name: string;
  readonly layout: ProviderLayout;
  readonly audience: string;
  profile(minting: Minting): ClaimsProfile;
  idTokenClaims(minting: Minting): Record<string, unknown>;
  /** Settings beyond JWT_VERIFY_KEY (the discovery URL), JWT_AUDIENCE and JWT_SIGN_KEY=0. */
  env(provider: OidcProvider): Record<string, string>;
  /** What GET /api/me answers for the profile's valid token. */
  readonly me: { user_id: string; username: string; roles: string[] };
  /** Claims of a token whose roles allow no item writes. */
  readonly readerOnly: Record<string, unknown>;
}

const CASES: ProviderCase[] = [
  {
    name: 'Keycloak',
    layout: KEYCLOAK_LAYOUT,
    audience: 'orders-api',
    profile: keycloakProfile,
    idTokenClaims: keycloakIdTokenClaims,
    // No JWT_ISSUER: the discovery document's issuer is required.
    env: () => ({
      JWT_CLAIMS_PRESET: 'keycloak',
      JWT_CLAIM_ROLES: 'realm_access.roles,resource_access.orders.roles',
    }),
    me: {
      user_id: '4f1c2b7e-9a0d-4c1e-8f33-5b6a7c8d9e01',
      username: 'alice',
      roles: ['default-roles-test', 'offline_access', 'uma_authorization', 'admin', 'items:write'],
    },
    readerOnly: { realm_access: { roles: ['offline_access'] }, resource_access: {} },
  },
  {
    name: 'Auth0',
    layout: AUTH0_LAYOUT,
    audience: 'https://api.example.com/orders',
    profile: auth0Profile,
    idTokenClaims: auth0IdTokenClaims,
    env: (provider) => ({
      JWT_CLAIMS_PRESET: 'auth0',
      JWT_ISSUER: provider.issuer,
      JWT_CLAIM_ROLES: 'permissions,["https://example.com/roles"]',
    }),
    me: {
      user_id: 'auth0|65f0c1d2e3a4b5c6d7e8f901',
      username: 'auth0|65f0c1d2e3a4b5c6d7e8f901',
      roles: ['items:write', 'reader'],
    },
    readerOnly: { permissions: [] },
  },
];

describe.each(CASES)('auth: access tokens of $name, read through OIDC discovery', (testCase) => {
  const minting: Minting = { issuer: '', audience: testCase.audience };
  const profile = testCase.profile(minting);
  let keys: TestKeys;
  let otherKeys: TestKeys;
  let provider: OidcProvider;
  let app: AuthTestApp;

  beforeAll(async () => {
    [keys, otherKeys] = await Promise.all([generateTestKeys(), generateTestKeys()]);
    provider = await startOidcProvider(testCase.layout, [keys]);
    minting.issuer = provider.issuer;
    app = await startAuthApp({
      JWT_SIGN_KEY: '0',
      JWT_VERIFY_KEY: provider.discoveryUrl,
      JWT_AUDIENCE: testCase.audience,
      JWT_LEEWAY: String(LEEWAY),
      DATABASE_URL: sqliteUrl(),
      ...testCase.env(provider),
    });
  });
  afterAll(async () => {
    await app?.close();
    await provider?.close();
  });

  const sign = (claims: Record<string, unknown>, signer = keys) =>
    signRaw(claims, signer.privateKey, { kid: signer.kid });

  async function me(token: string) {
    const response = await app.request('/api/me', { token });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('found the JWKS through the discovery document', () => {
    expect(provider.fetches).toEqual({ discovery: 1, jwks: 1 });
  });

  it('answers GET /api/me from the mapped claims, the same from the token cache', async () => {
    const token = sign(profile.build());
    await expect(me(token)).resolves.toEqual({ status: 200, body: testCase.me });
    expect(app.app.get(TokenService).cachedAccess(token)).toMatchObject({ userId: testCase.me.user_id });
    await expect(me(token)).resolves.toEqual({ status: 200, body: testCase.me });
  });

  it('applies @Roles() to the mapped roles', async () => {
    const write = (token: string) =>
      app.request('/api/items', { method: 'POST', json: { name: 'widget' }, token });
    expect((await write(sign(profile.build(testCase.readerOnly)))).status).toBe(403);
    expect((await write(sign(profile.build()))).status).toBe(201);
    expect(
      (await app.request('/api/items', { token: sign(profile.build(testCase.readerOnly)) })).status,
    ).toBe(200);
  });

  it('refuses a token for another audience', async () => {
    await expect(me(sign(profile.build({ aud: 'https://other.example.com' })))).resolves.toMatchObject({
      status: 401,
      body: { message: 'wrong audience' },
    });
  });

  it('refuses a token of another issuer, and one without iss', async () => {
    const other = `${provider.issuer.replace(/\/$/, '')}-other/`;
    expect((await me(sign(profile.build({ iss: other })))).body.message).toBe('wrong issuer');
    expect((await me(sign(profile.build({ iss: undefined })))).body.message).toBe('wrong issuer');
  });

  it('refuses the ID token of the same login used as an access token', async () => {
    const { status, body } = await me(sign(testCase.idTokenClaims(minting)));
    expect(status).toBe(401);
    expect(['wrong audience', 'wrong token type']).toContain(body.message);
  });

  it('refuses an expired token', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect((await me(sign(profile.build({ iat: now - 900, exp: now - LEEWAY - 5 })))).body.message).toBe(
      'token expired',
    );
  });

  it('refuses a token signed by a key the JWKS does not list', async () => {
    expect((await me(sign(profile.build(), otherKeys))).body.message).toBe('unknown key id');
  });

  it('accepts a token that jose, an independent JWT library, signed', async () => {
    const { iat: _iat, exp: _exp, ...claims } = profile.build();
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: keys.kid })
      .setIssuedAt()
      .setExpirationTime('2m')
      .sign(keys.privateKey);
    await expect(me(token)).resolves.toEqual({ status: 200, body: testCase.me });
  });

  it('refuses a string user id of a deactivated user, cached token included', async () => {
    const userId = `${testCase.me.user_id}-${randomUUID()}`;
    const token = sign(profile.build({ sub: userId }));
    expect((await me(token)).status).toBe(200);
    const refused = app.app.get(RefusedUsers);
    refused.refuse(userId);
    try {
      expect((await me(token)).body.message).toBe('token revoked');
    } finally {
      refused.readmit(userId);
    }
  });

  it.each(forgeriesOf(profile))('refuses a forged token ($name) with 401 "$reason"', async (forgery) => {
    const { body } = await me(forgery.build(keys, otherKeys, LEEWAY));
    expect(body).toEqual({ statusCode: 401, error: 'Unauthorized', message: forgery.reason });
  });
});

describe('auth: Keycloak tokens on a service left on the template preset', () => {
  let keys: TestKeys;
  let provider: OidcProvider;
  let app: AuthTestApp;

  beforeAll(async () => {
    keys = await generateTestKeys();
    provider = await startOidcProvider(KEYCLOAK_LAYOUT, [keys]);
    app = await startAuthApp({
      JWT_SIGN_KEY: '0',
      JWT_VERIFY_KEY: provider.discoveryUrl,
      DATABASE_URL: sqliteUrl(),
    });
  });
  afterAll(async () => {
    await app?.close();
    await provider?.close();
  });

  it('refuses them as malformed: the preset is what reads their claims', async () => {
    const claims = keycloakAccessClaims({ issuer: provider.issuer, audience: 'orders-api' });
    const response = await app.request('/api/me', {
      token: signRaw(claims, keys.privateKey, { kid: keys.kid }),
    });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { message: string }).message).toBe('token malformed');
  });
});

describe('auth: an OIDC provider that is down when the service starts', () => {
  let keys: TestKeys;
  let provider: OidcProvider;
  let app: AuthTestApp;
  const minting: Minting = { issuer: '', audience: 'orders-api' };

  beforeAll(async () => {
    keys = await generateTestKeys();
    provider = await startOidcProvider(KEYCLOAK_LAYOUT, [keys]);
    minting.issuer = provider.issuer;
    provider.isUp = false;
    app = await startAuthApp({
      JWT_SIGN_KEY: '0',
      JWT_VERIFY_KEY: provider.discoveryUrl,
      JWT_CLAIMS_PRESET: 'keycloak',
      JWT_AUDIENCE: minting.audience,
      JWKS_REFETCH_INTERVAL: '1',
      DATABASE_URL: sqliteUrl(),
    });
  });
  afterAll(async () => {
    await app?.close();
    await provider?.close();
  });

  it('starts, refuses tokens while it cannot read the keys, and accepts them once the provider is up', async () => {
    expect((await app.request('/health/live')).status).toBe(200);
    const token = signRaw(keycloakAccessClaims(minting), keys.privateKey, { kid: keys.kid });
    const refused = await app.request('/api/me', { token });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { message: string }).message).toBe('unknown key id');
    provider.isUp = true;
    await sleep(1100); // past JWKS_REFETCH_INTERVAL since the last attempt
    expect((await app.request('/api/me', { token })).status).toBe(200);
    expect(provider.fetches).toEqual({ discovery: 1, jwks: 1 });
  });
});

describe('auth: a discovery document of another issuer than JWT_ISSUER', () => {
  let provider: OidcProvider;

  beforeAll(async () => {
    provider = await startOidcProvider(KEYCLOAK_LAYOUT, [await generateTestKeys()]);
  });
  afterAll(() => provider?.close());

  it('stops the real process at start with one line naming JWT_ISSUER', async () => {
    const result = await spawnService('main.ts', {
      DEBUG: 'false',
      SECRET_KEY: TEST_SECRET_KEY,
      DATABASE_URL: sqliteUrl(),
      MIGRATE_ON_START: 'true',
      PORT: String(await freePort()),
      LOG_LEVEL: 'fatal',
      JWT_SIGN_KEY: '0',
      JWT_VERIFY_KEY: provider.discoveryUrl,
      JWT_CLAIMS_PRESET: 'keycloak',
      JWT_ISSUER: `${provider.issuer}-other`,
    }).exited(90_000);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      'settings: JWT_ISSUER differs from the issuer of the discovery document',
    ]);
    expect(provider.fetches).toEqual({ discovery: 1, jwks: 0 });
  }, 120_000);
});
