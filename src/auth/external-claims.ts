import { ClaimPath } from '../settings/claim-path';
import { ClaimMapping, ClaimsPreset } from '../settings/identity-provider.schema';
import { AuthUser, TOKEN_ERRORS } from './token-claims';

/** Either the caller an external access token names, or the 401 reason it is refused with. */
export type ExternalAccess = { readonly user: AuthUser } | { readonly refused: string };

// Claims only an OpenID Connect ID token carries (OIDC Core 2, 3.1.3.6, 3.3.2.11).
const ID_TOKEN_CLAIMS = ['nonce', 'at_hash', 'c_hash'] as const;

/**
 * The caller of a signature-checked access token from Keycloak or Auth0 (`exp`, `iss`, `aud`
 * are checked before this). An ID or refresh token is refused as the wrong type: a client that
 * sends its ID token to an API must not be let in with it.
 */
export function externalAccess(
  payload: Record<string, unknown>,
  preset: Exclude<ClaimsPreset, 'template'>,
  mapping: ClaimMapping,
): ExternalAccess {
  if (typeof payload.exp !== 'number' || typeof payload.iat !== 'number' || typeof payload.sub !== 'string')
    return { refused: TOKEN_ERRORS.malformed };
  if (!isAccessToken(payload, preset)) return { refused: TOKEN_ERRORS.wrongType };
  const userId = readClaim(payload, mapping.userId);
  const username = readClaim(payload, mapping.username);
  if (!isName(userId) || !isName(username)) return { refused: TOKEN_ERRORS.malformed };
  const roles = new Set<string>();
  for (const path of mapping.roles) {
    const value = readClaim(payload, path);
    if (value === undefined) continue; // a user without client roles has no resource_access entry
    if (!Array.isArray(value) || !value.every((role) => typeof role === 'string'))
      return { refused: TOKEN_ERRORS.malformed };
    for (const role of value) roles.add(role);
  }
  return { user: Object.freeze({ userId, username, roles: Object.freeze([...roles]) }) };
}

function isAccessToken(payload: Record<string, unknown>, preset: Exclude<ClaimsPreset, 'template'>): boolean {
  // Keycloak types every token it issues: `Bearer` (access), `ID`, `Refresh`, `Logout`.
  if (preset === 'keycloak') return payload.typ === 'Bearer';
  // Auth0 does not; its ID tokens are also refused by JWT_AUDIENCE (theirs is the client id).
  return ID_TOKEN_CLAIMS.every((claim) => payload[claim] === undefined);
}

/** The value at `path`, or undefined when a key on the way is missing or not an object's own. */
export function readClaim(claims: Record<string, unknown>, path: ClaimPath): unknown {
  let value: unknown = claims;
  for (const key of path) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    // Own keys only: a path such as `constructor` or `__proto__` must not reach a prototype.
    if (!Object.prototype.hasOwnProperty.call(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function isName(value: unknown): value is string {
  return typeof value === 'string' && value !== '' && value.length <= 255;
}
