import { keycloakAccessClaims, auth0AccessClaims, Minting } from '../../test/factories/idp-token.factory';
import { externalAccess, readClaim } from './external-claims';

const minting: Minting = { issuer: 'https://sso.example.com/realms/acme', audience: 'orders-api' };
const keycloak = {
  userId: ['sub'],
  username: ['preferred_username'],
  roles: [
    ['realm_access', 'roles'],
    ['resource_access', 'orders', 'roles'],
  ],
};
const auth0 = { userId: ['sub'], username: ['sub'], roles: [['permissions'], ['https://example.com/roles']] };

describe(externalAccess.name, () => {
  it('reads a Keycloak access token: realm and client roles together, without duplicates', () => {
    const claims = keycloakAccessClaims(minting, {
      realm_access: { roles: ['admin', 'items:write'] },
      resource_access: { orders: { roles: ['items:write'] } },
    });
    expect(externalAccess(claims, 'keycloak', keycloak)).toEqual({
      user: { userId: claims.sub, username: 'alice', roles: ['admin', 'items:write'] },
    });
  });

  it('gives no roles for a path the token lacks', () => {
    const claims = keycloakAccessClaims(minting, { resource_access: undefined, realm_access: undefined });
    expect(externalAccess(claims, 'keycloak', keycloak)).toMatchObject({ user: { roles: [] } });
  });

  it.each(['ID', 'Refresh', 'Logout', undefined])('refuses a Keycloak token of typ %s', (typ) => {
    expect(externalAccess(keycloakAccessClaims(minting, { typ }), 'keycloak', keycloak)).toEqual({
      refused: 'wrong token type',
    });
  });

  it('reads an Auth0 access token with a namespaced claim and a string user id', () => {
    expect(externalAccess(auth0AccessClaims(minting), 'auth0', auth0)).toEqual({
      user: {
        userId: 'auth0|65f0c1d2e3a4b5c6d7e8f901',
        username: 'auth0|65f0c1d2e3a4b5c6d7e8f901',
        roles: ['items:write', 'reader'],
      },
    });
  });

  it.each(['nonce', 'at_hash', 'c_hash'])(
    'refuses an Auth0 token carrying the ID-token claim %s',
    (claim) => {
      expect(externalAccess(auth0AccessClaims(minting, { [claim]: 'x' }), 'auth0', auth0)).toEqual({
        refused: 'wrong token type',
      });
    },
  );

  it.each<[string, Record<string, unknown>]>([
    ['no sub', { sub: undefined }],
    ['no exp', { exp: undefined }],
    ['a numeric sub', { sub: 42 }],
    ['an empty username', { preferred_username: '' }],
    ['an overlong username', { preferred_username: 'a'.repeat(256) }],
    ['roles not a list', { realm_access: { roles: 'admin' } }],
    ['roles not strings', { realm_access: { roles: ['admin', 1] } }],
  ])('refuses a token with %s as malformed', (_name, changes) => {
    expect(externalAccess(keycloakAccessClaims(minting, changes), 'keycloak', keycloak)).toEqual({
      refused: 'token malformed',
    });
  });
});

describe(readClaim.name, () => {
  const claims = JSON.parse(
    '{"a":{"b":{"c":["x"]}},"https://example.com/roles":["r"],"list":[{"b":1}],"__proto__":{"polluted":true}}',
  ) as Record<string, unknown>;

  it('walks nested objects and URL-like keys', () => {
    expect(readClaim(claims, ['a', 'b', 'c'])).toEqual(['x']);
    expect(readClaim(claims, ['https://example.com/roles'])).toEqual(['r']);
  });

  it('finds nothing through arrays, missing keys or inherited properties', () => {
    expect(readClaim(claims, ['list', '0', 'b'])).toBeUndefined();
    expect(readClaim(claims, ['a', 'missing', 'c'])).toBeUndefined();
    expect(readClaim(claims, ['constructor'])).toBeUndefined();
    expect(readClaim(claims, ['a', 'toString'])).toBeUndefined();
  });
});
