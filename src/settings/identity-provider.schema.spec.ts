import { buildSettings } from '../../test/factories/token.factory';
import { settingsErrorOf } from '../../test/support/settings-error';
import { EnvReader } from './env-reader';
import { isDiscoveryUrl, parseIdentityProviderSettings } from './identity-provider.schema';

const DISCOVERY = 'https://sso.example.com/realms/acme/.well-known/openid-configuration';
const JWKS = 'https://login.example.com/.well-known/jwks.json';

interface Context {
  debug?: boolean;
  issuesTokens?: boolean;
  verifyKey?: string | null;
}
const parse = (env: Record<string, string>, context: Context = {}) => {
  const { debug = false, issuesTokens = false, verifyKey = DISCOVERY } = context;
  return parseIdentityProviderSettings(new EnvReader(env), debug, issuesTokens, verifyKey);
};
const errorOf = (env: Record<string, string>, options?: Parameters<typeof parse>[1]) =>
  settingsErrorOf(() => parse(env, options));

describe(parseIdentityProviderSettings.name, () => {
  it("keeps today's behaviour by default: the template's claims, no iss or aud", () => {
    expect(parse({}, { issuesTokens: true, verifyKey: null })).toEqual({
      issuer: null,
      audience: null,
      preset: 'template',
      claims: null,
    });
  });

  it('reads JWT_ISSUER and JWT_AUDIENCE for the template preset too', () => {
    expect(
      parse(
        { JWT_ISSUER: 'https://login.example.com', JWT_AUDIENCE: 'orders' },
        { issuesTokens: true, verifyKey: null },
      ),
    ).toMatchObject({ issuer: 'https://login.example.com', audience: 'orders', preset: 'template' });
  });

  it('maps Keycloak claims by default: sub, preferred_username, realm_access.roles', () => {
    expect(parse({ JWT_CLAIMS_PRESET: 'keycloak' }).claims).toEqual({
      userId: ['sub'],
      username: ['preferred_username'],
      roles: [['realm_access', 'roles']],
    });
  });

  it('maps Auth0 claims by default: sub as id and name, permissions as roles', () => {
    expect(parse({ JWT_CLAIMS_PRESET: 'AUTH0', JWT_AUDIENCE: 'https://api.example.com' }).claims).toEqual({
      userId: ['sub'],
      username: ['sub'],
      roles: [['permissions']],
    });
  });

  it('reads per-claim overrides, several role paths and namespaced claims', () => {
    const settings = parse({
      JWT_CLAIMS_PRESET: 'auth0',
      JWT_AUDIENCE: 'https://api.example.com',
      JWT_CLAIM_USER_ID: '["https://example.com/user_id"]',
      JWT_CLAIM_USERNAME: 'nickname',
      JWT_CLAIM_ROLES: 'permissions, ["https://example.com/roles"]',
    });
    expect(settings.claims).toEqual({
      userId: ['https://example.com/user_id'],
      username: ['nickname'],
      roles: [['permissions'], ['https://example.com/roles']],
    });
  });

  it('accepts http issuers on loopback or in DEBUG only', () => {
    expect(parse({ JWT_ISSUER: 'http://127.0.0.1:8080/realms/dev' }, { verifyKey: JWKS }).issuer).toBe(
      'http://127.0.0.1:8080/realms/dev',
    );
    expect(parse({ JWT_ISSUER: 'http://localhost:8080/' }, { verifyKey: JWKS }).issuer).toBe(
      'http://localhost:8080/',
    );
    expect(parse({ JWT_ISSUER: 'http://sso.internal/' }, { debug: true, verifyKey: JWKS }).issuer).toBe(
      'http://sso.internal/',
    );
  });

  it.each<[Record<string, string>, Parameters<typeof parse>[1], string, RegExp]>([
    [{ JWT_CLAIMS_PRESET: 'okta' }, {}, 'JWT_CLAIMS_PRESET', /must be one of template, keycloak, auth0/],
    [{ JWT_CLAIMS_PRESET: 'keycloak' }, { issuesTokens: true }, 'JWT_CLAIMS_PRESET', /needs JWT_SIGN_KEY=0/],
    [{ JWT_CLAIMS_PRESET: 'keycloak' }, { verifyKey: JWKS }, 'JWT_ISSUER', /is required/],
    [{ JWT_CLAIMS_PRESET: 'auth0' }, {}, 'JWT_AUDIENCE', /is required with JWT_CLAIMS_PRESET=auth0/],
    [{ JWT_CLAIM_ROLES: 'roles' }, {}, 'JWT_CLAIM_ROLES', /only read with JWT_CLAIMS_PRESET/],
    [{ JWT_CLAIM_USER_ID: 'sub' }, {}, 'JWT_CLAIM_USER_ID', /only read with JWT_CLAIMS_PRESET/],
    [
      { JWT_CLAIMS_PRESET: 'keycloak', JWT_CLAIM_ROLES: 'realm_access..roles' },
      {},
      'JWT_CLAIM_ROLES',
      /claim path/,
    ],
    [
      { JWT_CLAIMS_PRESET: 'keycloak', JWT_CLAIM_ROLES: 'realm_access.roles,' },
      {},
      'JWT_CLAIM_ROLES',
      /claim path/,
    ],
    [
      { JWT_CLAIMS_PRESET: 'keycloak', JWT_CLAIM_USERNAME: 'https://example.com/name' },
      {},
      'JWT_CLAIM_USERNAME',
      /claim path/,
    ],
    [{ JWT_CLAIMS_PRESET: 'keycloak', JWT_CLAIM_USER_ID: 'a b' }, {}, 'JWT_CLAIM_USER_ID', /claim path/],
    [{ JWT_AUDIENCE: 'orders-api,reports-api' }, {}, 'JWT_AUDIENCE', /must be one audience/],
    [{ JWT_AUDIENCE: 'orders api' }, {}, 'JWT_AUDIENCE', /must be one audience/],
    [{ JWT_ISSUER: 'login-service' }, {}, 'JWT_ISSUER', /must be an https:\/\/ URL/],
    [
      { JWT_ISSUER: 'http://sso.example.com/' },
      {},
      'JWT_ISSUER',
      /unless DEBUG is on or the host is loopback/,
    ],
    [{ JWT_ISSUER: 'ftp://sso.example.com/' }, { debug: true }, 'JWT_ISSUER', /must be an https:\/\/ URL/],
  ])('refuses %j with one line naming %s', (env, options, variable, message) => {
    const error = errorOf(env, options);
    expect(error.variable).toBe(variable);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('\n');
  });

  it('never echoes the value it refuses', () => {
    expect(errorOf({ JWT_ISSUER: 'http://secret-host.example.com/' }).message).not.toContain('secret-host');
  });
});

describe('identity provider settings in the whole settings', () => {
  it('reads a verify-only service pointed at a discovery URL', () => {
    const settings = buildSettings({
      JWT_SIGN_KEY: '0',
      JWT_VERIFY_KEY: DISCOVERY,
      JWT_CLAIMS_PRESET: 'keycloak',
    });
    expect(settings.identityProvider).toMatchObject({ preset: 'keycloak', issuer: null });
  });

  it.each(['https://', 'http://', 'https://sso example.com/'])(
    'refuses JWT_VERIFY_KEY=%s as not a URL',
    (url) => {
      const error = settingsErrorOf(() =>
        buildSettings({
          DEBUG: 'false',
          JWT_SIGN_KEY: '0',
          JWT_VERIFY_KEY: url,
          JWT_CLAIMS_PRESET: 'keycloak',
        }),
      );
      expect(error.message).toBe('JWT_VERIFY_KEY is not a valid URL');
    },
  );

  it('refuses an external preset on a service with development signing keys', () => {
    expect(settingsErrorOf(() => buildSettings({ JWT_CLAIMS_PRESET: 'keycloak' })).variable).toBe(
      'JWT_CLAIMS_PRESET',
    );
  });
});

describe(isDiscoveryUrl.name, () => {
  it.each<[string | null, boolean]>([
    [DISCOVERY, true],
    ['https://acme.eu.auth0.com/.well-known/openid-configuration', true],
    [JWKS, false],
    ['-----BEGIN PUBLIC KEY-----\n…', false],
    [null, false],
  ])('%s → %s', (value, expected) => {
    expect(isDiscoveryUrl(value)).toBe(expected);
  });
});
