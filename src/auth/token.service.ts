import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { decodeProtectedHeader, errors, jwtVerify, ProtectedHeaderParameters, SignJWT } from 'jose';
import { LRUCache } from 'lru-cache';
import { Settings, SETTINGS } from '../settings/settings';
import { JwtKeysService } from './jwt-keys.service';
import { AuthUser, isTokenClaims, TOKEN_ERRORS, TokenClaims, TokenSubject, TokenType } from './token-claims';

/** RS256 is what we sign with; RS512 is accepted so a login service can move to it. */
export const ACCEPTED_ALGORITHMS = ['RS256', 'RS512'] as const;
const SIGNING_ALGORITHM = 'RS256';
// Real tokens are well under 2 KiB; the bound keeps a hostile header from costing a parse.
const MAX_TOKEN_LENGTH = 8192;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export interface IssuedToken {
  readonly token: string;
  readonly jti: string;
  readonly expiresAt: Date;
}

/**
 * Issues and verifies the service's JWTs. `verifyAccess` is what the guard calls on every
 * request: a successful verification is cached by the exact token string until the token's
 * `exp`, because an RS256 check costs about three bare Fastify requests.
 */
@Injectable()
export class TokenService {
  private readonly logger = new Logger(TokenService.name);
  private readonly verified: LRUCache<string, AuthUser> | null;

  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly keys: JwtKeysService,
  ) {
    const max = settings.auth.verifiedTokenCacheSize;
    this.verified = max > 0 ? new LRUCache<string, AuthUser>({ max, ttlAutopurge: false }) : null;
  }

  /** Signs a token of `type` for `subject`. Throws on a verify-only service. */
  async issue(subject: TokenSubject, type: TokenType): Promise<IssuedToken> {
    const { kid, privateKey } = this.keys.signingKey;
    const now = Math.floor(Date.now() / 1000);
    const ttl =
      type === 'access' ? this.settings.auth.accessTtlSeconds : this.settings.auth.refreshTtlSeconds;
    const jti = randomUUID().replace(/-/g, '');
    const claims: Omit<TokenClaims, 'iat' | 'exp' | 'jti' | 'sub'> = {
      token_type: type,
      user_id: subject.id,
      username: subject.username,
      roles: [...subject.roles],
    };
    const token = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: SIGNING_ALGORITHM, typ: 'JWT', kid })
      .setSubject(subject.id)
      .setJti(jti)
      .setIssuedAt(now)
      .setExpirationTime(now + ttl)
      .sign(privateKey);
    return { token, jti, expiresAt: new Date((now + ttl) * 1000) };
  }

  /**
   * The caller behind an access token, or UnauthorizedException with a short reason.
   * Stateless by design: no database read, so a revoked user keeps access until `exp`.
   */
  async verifyAccess(token: string): Promise<AuthUser> {
    const cached = this.verified?.get(token);
    if (cached) return cached;
    const claims = await this.verify(token, 'access');
    const user: AuthUser = Object.freeze({
      userId: claims.user_id,
      username: claims.username,
      roles: Object.freeze([...claims.roles]),
    });
    const ttl = claims.exp * 1000 - Date.now();
    if (ttl > 0) this.verified?.set(token, user, { ttl });
    return user;
  }

  /** Full verification of a token of the expected type (or either type when `type` is null). */
  async verify(token: string, type: TokenType | null): Promise<TokenClaims> {
    if (token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token))
      throw unauthorized(TOKEN_ERRORS.malformed);
    let header: ProtectedHeaderParameters;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      throw unauthorized(TOKEN_ERRORS.malformed);
    }
    const alg = header.alg;
    if (!ACCEPTED_ALGORITHMS.includes(alg as (typeof ACCEPTED_ALGORITHMS)[number])) {
      throw unauthorized(TOKEN_ERRORS.algorithm);
    }
    if (header.kid !== undefined && typeof header.kid !== 'string')
      throw unauthorized(TOKEN_ERRORS.malformed);
    const key = await this.keys.keyFor(header.kid);
    if (!key) throw unauthorized(TOKEN_ERRORS.unknownKey);

    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, key, {
        algorithms: [alg!],
        clockTolerance: this.settings.auth.leewaySeconds,
        requiredClaims: ['exp', 'iat', 'sub', 'jti'],
      }));
    } catch (error) {
      throw unauthorized(this.reasonFor(error));
    }
    if (!isTokenClaims(payload)) throw unauthorized(TOKEN_ERRORS.malformed);
    // jose accepts an `iat` in the future; a token minted "later" is a clock or forging problem.
    if (payload.iat > Date.now() / 1000 + this.settings.auth.leewaySeconds)
      throw unauthorized(TOKEN_ERRORS.notYetValid);
    if (payload.sub !== payload.user_id) throw unauthorized(TOKEN_ERRORS.malformed);
    if (type !== null && payload.token_type !== type) throw unauthorized(TOKEN_ERRORS.wrongType);
    return payload;
  }

  private reasonFor(error: unknown): string {
    if (error instanceof errors.JWTExpired) return TOKEN_ERRORS.expired;
    if (error instanceof errors.JWTClaimValidationFailed) {
      return error.claim === 'nbf' ? TOKEN_ERRORS.notYetValid : TOKEN_ERRORS.malformed;
    }
    if (error instanceof errors.JWSSignatureVerificationFailed) return TOKEN_ERRORS.signature;
    if (error instanceof errors.JOSEAlgNotAllowed) return TOKEN_ERRORS.algorithm;
    if (error instanceof errors.JOSEError) return TOKEN_ERRORS.malformed;
    // Not a JOSE error means a bug here, not a bad token: log it, but still answer 401.
    this.logger.error(`unexpected error while verifying a token: ${(error as Error).message}`);
    return TOKEN_ERRORS.malformed;
  }
}

function unauthorized(reason: string): UnauthorizedException {
  return new UnauthorizedException(reason);
}
