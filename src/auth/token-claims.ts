/** `token_type` values, as simplejwt names them. */
export type TokenType = 'access' | 'refresh';

/** The claims of every token this service issues (DESIGN.md "Tokens"). */
export interface TokenClaims {
  readonly sub: string;
  readonly iat: number;
  readonly exp: number;
  readonly jti: string;
  readonly token_type: TokenType;
  readonly user_id: string;
  readonly username: string;
  readonly roles: readonly string[];
  /** JWT_ISSUER and JWT_AUDIENCE, when set. */
  readonly iss?: string;
  readonly aud?: string;
}

/** The caller, as the guard puts it on the request and `@CurrentUser()` returns it. */
export interface AuthUser {
  readonly userId: string;
  readonly username: string;
  readonly roles: readonly string[];
}

/** What a token is issued for. */
export interface TokenSubject {
  readonly id: string;
  readonly username: string;
  readonly roles: readonly string[];
}

/** Short reasons sent as the 401 message: enough for a client to act, nothing internal. */
export const TOKEN_ERRORS = {
  missing: 'token missing',
  malformed: 'token malformed',
  expired: 'token expired',
  notYetValid: 'token not yet valid',
  algorithm: 'algorithm not allowed',
  unknownKey: 'unknown key id',
  signature: 'invalid signature',
  wrongType: 'wrong token type',
  wrongIssuer: 'wrong issuer',
  wrongAudience: 'wrong audience',
  revoked: 'token revoked',
} as const;

export function isTokenClaims(
  payload: Record<string, unknown>,
): payload is Record<string, unknown> & TokenClaims {
  return (
    typeof payload.sub === 'string' &&
    typeof payload.jti === 'string' &&
    typeof payload.exp === 'number' &&
    typeof payload.iat === 'number' &&
    (payload.token_type === 'access' || payload.token_type === 'refresh') &&
    typeof payload.user_id === 'string' &&
    typeof payload.username === 'string' &&
    Array.isArray(payload.roles) &&
    payload.roles.every((role) => typeof role === 'string')
  );
}
