import { randomUUID } from 'node:crypto';
import { ClaimsProfile } from './token.factory';

/** The issuer and API audience the tokens are minted for; set once the stand-in provider listens. */
export interface Minting {
  issuer: string;
  audience: string;
}

const now = (): number => Math.floor(Date.now() / 1000);

/**
 * Claims of a Keycloak (24–26) access token, as a realm with a client `frontend` and an audience
 * mapper for the API issues them: `typ: Bearer`, realm roles in `realm_access.roles`, client roles
 * in `resource_access.<client>.roles`, the user id (a UUID) in `sub`.
 */
export function keycloakAccessClaims(minting: Minting, overrides: Record<string, unknown> = {}) {
  return {
    exp: now() + 300,
    iat: now(),
    auth_time: now() - 10,
    jti: randomUUID(),
    iss: minting.issuer,
    aud: [minting.audience, 'account'],
    sub: '4f1c2b7e-9a0d-4c1e-8f33-5b6a7c8d9e01',
    typ: 'Bearer',
    azp: 'frontend',
    sid: randomUUID(),
    acr: '1',
    'allowed-origins': ['https://app.example.com'],
    realm_access: { roles: ['default-roles-test', 'offline_access', 'uma_authorization', 'admin'] },
    resource_access: {
      orders: { roles: ['items:write'] },
      account: { roles: ['manage-account', 'view-profile'] },
    },
    scope: 'openid profile email',
    email_verified: true,
    name: 'Alice Example',
    preferred_username: 'alice',
    given_name: 'Alice',
    family_name: 'Example',
    email: 'alice@example.com',
    ...overrides,
  };
}

/** What Keycloak puts in the ID token of the same login: `typ: ID`, the client as audience, a nonce. */
export function keycloakIdTokenClaims(minting: Minting) {
  return keycloakAccessClaims(minting, {
    typ: 'ID',
    aud: 'frontend',
    nonce: 'n-0S6_WzA2Mj',
    at_hash: 'x3HqAmdfPwsxgHk5dGt7OQ',
    realm_access: undefined,
    resource_access: undefined,
    scope: undefined,
  });
}

export function keycloakProfile(minting: Minting): ClaimsProfile {
  return {
    build: (overrides) => keycloakAccessClaims(minting, overrides),
    otherTypes: [
      { name: 'ID token used as access', changes: { typ: 'ID' } },
      { name: 'refresh token used as access', changes: { typ: 'Refresh' } },
      { name: 'no typ claim', changes: { typ: undefined } },
    ],
    malformed: [
      { name: 'missing sub', changes: { sub: undefined } },
      { name: 'missing preferred_username', changes: { preferred_username: undefined } },
      { name: 'realm roles not a list', changes: { realm_access: { roles: 'admin' } } },
    ],
    tamper: [{ realm_access: { roles: ['admin'] } }, { preferred_username: 'root' }],
  };
}

/**
 * Claims of an Auth0 access token for an API with RBAC and "Add Permissions in the Access Token":
 * `sub` like `auth0|…`, the API and `/userinfo` as audience, `permissions`, and a namespaced
 * `https://example.com/roles` claim that a post-login Action adds.
 */
export function auth0AccessClaims(minting: Minting, overrides: Record<string, unknown> = {}) {
  return {
    iss: minting.issuer,
    sub: 'auth0|65f0c1d2e3a4b5c6d7e8f901',
    aud: [minting.audience, `${minting.issuer}userinfo`],
    iat: now(),
    exp: now() + 300,
    scope: 'openid profile email',
    azp: 'k3Jd9sXq0vN2bPpL7mTz',
    permissions: ['items:write'],
    'https://example.com/roles': ['reader'],
    ...overrides,
  };
}

/** The ID token Auth0 gives the SPA at the same login: its client id as audience, a nonce. */
export function auth0IdTokenClaims(minting: Minting) {
  return {
    iss: minting.issuer,
    sub: 'auth0|65f0c1d2e3a4b5c6d7e8f901',
    aud: 'k3Jd9sXq0vN2bPpL7mTz',
    iat: now(),
    exp: now() + 36000,
    nonce: 'n-0S6_WzA2Mj',
    sid: 'Bf3gR0kP',
    nickname: 'alice',
    name: 'alice@example.com',
    email: 'alice@example.com',
    email_verified: true,
  };
}

export function auth0Profile(minting: Minting): ClaimsProfile {
  return {
    build: (overrides) => auth0AccessClaims(minting, overrides),
    // Its ID token for our API's audience (a confused client) is still an ID token.
    otherTypes: [{ name: 'ID token (nonce) used as access', changes: { nonce: 'n-0S6_WzA2Mj' } }],
    malformed: [
      { name: 'missing sub', changes: { sub: undefined } },
      { name: 'permissions not a list', changes: { permissions: 'items:write' } },
      { name: 'namespaced roles not a list', changes: { 'https://example.com/roles': { admin: true } } },
    ],
    tamper: [{ permissions: ['admin'] }, { sub: 'auth0|root' }],
  };
}
