import { ClaimPath, parseClaimPath, splitClaimPaths } from './claim-path';
import { EnvReader } from './env-reader';
import { SettingsError } from './settings-error';

/**
 * Where a token's claims come from: the template's own login service, Keycloak or Auth0. The
 * preset also decides how an access token is told from an ID or refresh token.
 */
export type ClaimsPreset = 'template' | 'keycloak' | 'auth0';
export const CLAIMS_PRESETS: readonly ClaimsPreset[] = ['template', 'keycloak', 'auth0'];

/** Paths into an external provider's access token (see claim-path.ts for the syntax). */
export interface ClaimMapping {
  readonly userId: ClaimPath;
  readonly username: ClaimPath;
  /** Every path's roles together; a path missing from a token adds none. */
  readonly roles: readonly ClaimPath[];
}

export interface IdentityProviderSettings {
  /** JWT_ISSUER: signed into our tokens as `iss` and required of every token; null → not checked. */
  readonly issuer: string | null;
  /** JWT_AUDIENCE: signed into our tokens as `aud` and required of every token; null → not checked. */
  readonly audience: string | null;
  /** JWT_CLAIMS_PRESET. */
  readonly preset: ClaimsPreset;
  /** null for `template`, whose claims are fixed (DESIGN.md "Tokens"). */
  readonly claims: ClaimMapping | null;
}

const PRESET_CLAIMS: Record<Exclude<ClaimsPreset, 'template'>, Record<keyof ClaimMapping, string>> = {
  keycloak: { userId: 'sub', username: 'preferred_username', roles: 'realm_access.roles' },
  // Auth0 access tokens carry no name; RBAC's "Add Permissions in the Access Token" adds
  // `permissions`, named like our roles (`items:write`).
  auth0: { userId: 'sub', username: 'sub', roles: 'permissions' },
};

const CLAIM_VARIABLES = {
  userId: 'JWT_CLAIM_USER_ID',
  username: 'JWT_CLAIM_USERNAME',
  roles: 'JWT_CLAIM_ROLES',
} as const;

const PATH_EXAMPLE = 'such as realm_access.roles or ["https://example.com/roles"]';

/**
 * `issuesTokens`: this is a login service (JWT_SIGN_KEY is a key or DEBUG's development key);
 * `verifyKey`: JWT_VERIFY_KEY, whose discovery document may name the issuer.
 */
export function parseIdentityProviderSettings(
  env: EnvReader,
  debug: boolean,
  issuesTokens: boolean,
  verifyKey: string | null,
): IdentityProviderSettings {
  const issuer = parseIssuer(env, debug);
  const audience = parseAudience(env);
  const preset = env.oneOf('JWT_CLAIMS_PRESET', CLAIMS_PRESETS, 'template');
  if (preset === 'template') {
    const stray = Object.values(CLAIM_VARIABLES).find((name) => env.has(name));
    if (stray) throw new SettingsError(stray, 'is only read with JWT_CLAIMS_PRESET=keycloak or auth0');
    return Object.freeze({ issuer, audience, preset, claims: null });
  }
  if (issuesTokens) {
    // A login service signs the template's claims; its refresh and verify endpoints read them back.
    throw new SettingsError('JWT_CLAIMS_PRESET', `${preset} needs JWT_SIGN_KEY=0 (a verify-only service)`);
  }
  if (issuer === null && !isDiscoveryUrl(verifyKey)) {
    throw new SettingsError(
      'JWT_ISSUER',
      `is required with JWT_CLAIMS_PRESET=${preset} unless JWT_VERIFY_KEY is an openid-configuration URL`,
    );
  }
  if (preset === 'auth0' && audience === null) {
    // Auth0 signs ID tokens with the same key for the same issuer and does not type them; their
    // `aud` (the client id) is what reliably tells them apart (a `nonce` is there only if sent).
    throw new SettingsError('JWT_AUDIENCE', 'is required with JWT_CLAIMS_PRESET=auth0 (the API identifier)');
  }
  const defaults = PRESET_CLAIMS[preset];
  const claims: ClaimMapping = Object.freeze({
    userId: parsePath(CLAIM_VARIABLES.userId, env.string(CLAIM_VARIABLES.userId) ?? defaults.userId),
    username: parsePath(CLAIM_VARIABLES.username, env.string(CLAIM_VARIABLES.username) ?? defaults.username),
    roles: Object.freeze(
      splitClaimPaths(env.string(CLAIM_VARIABLES.roles) ?? defaults.roles).map((text) =>
        parsePath(CLAIM_VARIABLES.roles, text),
      ),
    ),
  });
  return Object.freeze({ issuer, audience, preset, claims });
}

/** An OIDC discovery URL, from which the JWKS URL (and the issuer) are read. */
export function isDiscoveryUrl(verifyKey: string | null): boolean {
  return (
    verifyKey !== null &&
    /^https?:\/\//i.test(verifyKey) &&
    URL.canParse(verifyKey) &&
    new URL(verifyKey).pathname.endsWith('/.well-known/openid-configuration')
  );
}

function parseIssuer(env: EnvReader, debug: boolean): string | null {
  const value = env.string('JWT_ISSUER');
  if (value === undefined) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new SettingsError('JWT_ISSUER', 'must be an https:// URL (an OIDC issuer identifier)');
  }
  if (url.protocol === 'https:') return value;
  if (url.protocol === 'http:' && (debug || isLoopback(url.hostname))) return value;
  throw new SettingsError('JWT_ISSUER', 'must be an https:// URL unless DEBUG is on or the host is loopback');
}

function parseAudience(env: EnvReader): string | null {
  const value = env.string('JWT_AUDIENCE');
  if (value === undefined) return null;
  // A list here would read as one audience that no token carries.
  if (/[\s,]/.test(value))
    throw new SettingsError('JWT_AUDIENCE', 'must be one audience, without commas or spaces');
  return value;
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

function parsePath(variable: string, text: string): ClaimPath {
  const path = parseClaimPath(text);
  if (path === null) throw new SettingsError(variable, `must be a claim path ${PATH_EXAMPLE}`);
  return path;
}
