import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { JwtService, JwtVerifyOptions } from '@nestjs/jwt';
import { JsonWebTokenError, NotBeforeError, TokenExpiredError } from 'jsonwebtoken';
import { LRUCache } from 'lru-cache';
import { Settings, SETTINGS } from '../settings/settings';
import { externalAccess } from './external-claims';
import { JwtKeysService } from './jwt-keys.service';
import { AuthUser, isTokenClaims, TOKEN_ERRORS, TokenClaims, TokenSubject, TokenType } from './token-claims';

/** RS256 is what we sign with; RS512 is accepted so a login service can move to it. */
export const ACCEPTED_ALGORITHMS = ['RS256', 'RS512'] as const;
export const SIGNING_ALGORITHM = 'RS256';
// Real tokens are well under 2 KiB; the bound keeps a hostile header from costing a parse.
const MAX_TOKEN_LENGTH = 8192;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * The verified-token cache is keyed by the signature's last characters, not the whole token: a
 * Map hashes its string key on every lookup, and hashing the ~700 characters of a fresh header
 * string cost ~1 µs per request. The entry keeps the whole token, compared on every hit, so a
 * token that only shares the tail (a signature pasted onto another payload) is a miss and gets
 * verified in full; it cannot evict the entry either, since only verified tokens are stored.
 */
const CACHE_KEY_CHARS = 32;
const cacheKeyOf = (token: string): string => token.slice(-CACHE_KEY_CHARS);

interface CachedCaller {
  /** The whole token: the key is only its tail. */
  readonly token: string;
  readonly user: AuthUser;
  readonly expiresAtMs: number;
  /** The key that verified it: a key dropped from the JWKS takes its tokens out of the cache. */
  readonly kid: string;
}

export interface IssuedToken {
  readonly token: string;
  readonly jti: string;
  readonly expiresAt: Date;
}

/**
 * Issues and verifies the service's JWTs. `verifyAccess` is what the guard calls on every
 * request: a successful verification is cached for the exact token string until the token's
 * `exp`, because an RS256 check costs about three bare Fastify requests.
 */
@Injectable()
export class TokenService {
  private readonly logger = new Logger(TokenService.name);
  private readonly verified: LRUCache<string, CachedCaller> | null;

  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly keys: JwtKeysService,
    private readonly jwt: JwtService,
  ) {
    const max = settings.auth.verifiedTokenCacheSize;
    // Expiry is checked here against the token's own `exp` rather than with lru-cache's TTL
    // option, which costs timestamps and bookkeeping on every hit of the hottest path.
    this.verified = max > 0 ? new LRUCache<string, CachedCaller>({ max }) : null;
    keys.onKeysRemoved((kids) => this.forgetTokensOf(kids));
  }

  /** Signs a token of `type` for `subject`. Throws on a verify-only service. */
  async issue(subject: TokenSubject, type: TokenType): Promise<IssuedToken> {
    const { kid, privateKey } = this.keys.signingKey;
    const now = Math.floor(Date.now() / 1000);
    const ttl =
      type === 'access' ? this.settings.auth.accessTtlSeconds : this.settings.auth.refreshTtlSeconds;
    const jti = randomUUID().replace(/-/g, '');
    const { issuer, audience } = this.settings.identityProvider;
    const claims: TokenClaims = {
      token_type: type,
      user_id: subject.id,
      username: subject.username,
      roles: [...subject.roles],
      sub: subject.id,
      jti,
      iat: now,
      exp: now + ttl,
      ...(issuer === null ? {} : { iss: issuer }),
      ...(audience === null ? {} : { aud: audience }),
    };
    // The key and algorithm are named on every call: the module holds no default key to fall back on.
    const token = await this.jwt.signAsync(
      { ...claims },
      { privateKey, algorithm: SIGNING_ALGORITHM, keyid: kid },
    );
    return { token, jti, expiresAt: new Date((now + ttl) * 1000) };
  }

  /**
   * The caller behind an access token, or UnauthorizedException with a short reason.
   * Stateless by design: no database read, so a revoked user keeps access until `exp`.
   */
  async verifyAccess(token: string): Promise<AuthUser> {
    const cached = this.cachedAccess(token);
    if (cached) return cached;
    const { payload, kid } = await this.verifySignedToken(token);
    const user = this.accessUser(payload);
    const expiresAtMs = (payload.exp as number) * 1000;
    // A token accepted only thanks to the leeway is not cached: the next request checks it again.
    if (expiresAtMs > Date.now()) this.verified?.set(cacheKeyOf(token), { token, user, expiresAtMs, kid });
    return user;
  }

  /** The caller of an access token verified earlier and not yet expired; synchronous, for the guard. */
  cachedAccess(token: string): AuthUser | undefined {
    if (!this.verified) return undefined;
    const key = cacheKeyOf(token);
    const entry = this.verified.get(key);
    if (entry === undefined || entry.token !== token) return undefined;
    if (entry.expiresAtMs > Date.now()) return entry.user;
    this.verified.delete(key);
    return undefined;
  }

  /** Drops every cached verification of `userId`'s tokens (a scan: it happens on deactivation only). */
  forgetUser(userId: string): void {
    if (!this.verified) return;
    for (const [key, entry] of this.verified.entries())
      if (entry.user.userId === userId) this.verified.delete(key);
  }

  /** Full verification of a token of the expected type (or either type when `type` is null). */
  async verify(token: string, type: TokenType | null): Promise<TokenClaims> {
    return templateClaims((await this.verifySignedToken(token)).payload, type);
  }

  /** Rare (a key rotated out of the JWKS), so a walk over the cache is fine. */
  private forgetTokensOf(kids: ReadonlySet<string>): void {
    if (!this.verified) return;
    for (const [key, entry] of this.verified.entries()) if (kids.has(entry.kid)) this.verified.delete(key);
  }

  /** The caller named by the claims, read the way JWT_CLAIMS_PRESET says. */
  private accessUser(payload: Record<string, unknown>): AuthUser {
    const { preset, claims: mapping } = this.settings.identityProvider;
    if (preset === 'template' || mapping === null) {
      const claims = templateClaims(payload, 'access');
      return Object.freeze({
        userId: claims.user_id,
        username: claims.username,
        roles: Object.freeze([...claims.roles]),
      });
    }
    const access = externalAccess(payload, preset, mapping);
    if ('refused' in access) throw unauthorized(access.refused);
    return access.user;
  }

  /** Header, key, signature, times, issuer and audience: everything but the claims' shape. */
  private async verifySignedToken(token: string): Promise<{ payload: Record<string, unknown>; kid: string }> {
    if (token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token))
      throw unauthorized(TOKEN_ERRORS.malformed);
    const header = decodeHeader(token);
    if (header === null) throw unauthorized(TOKEN_ERRORS.malformed);
    const alg = header.alg;
    if (!ACCEPTED_ALGORITHMS.includes(alg as (typeof ACCEPTED_ALGORITHMS)[number])) {
      throw unauthorized(TOKEN_ERRORS.algorithm);
    }
    if (header.kid !== undefined && typeof header.kid !== 'string')
      throw unauthorized(TOKEN_ERRORS.malformed);
    const trusted = await this.keys.keyFor(header.kid);
    if (!trusted) throw unauthorized(TOKEN_ERRORS.unknownKey);

    let payload: Record<string, unknown>;
    try {
      // Synchronous on purpose: RS256 verification is CPU work either way, and the callback
      // form only adds a promise and a tick per request.
      payload = this.jwt.verify<Record<string, unknown>>(token, {
        // Typed string | Buffer by @nestjs/jwt, which hands it to jsonwebtoken as is; jsonwebtoken
        // takes a KeyObject (its jwt.Secret), which spares parsing a PEM on every request.
        publicKey: trusted.key as unknown as JwtVerifyOptions['publicKey'],
        // Pinned to the one algorithm checked above, never a list the token could choose from.
        algorithms: [alg as (typeof ACCEPTED_ALGORITHMS)[number]],
        clockTolerance: this.settings.auth.leewaySeconds,
      });
    } catch (error) {
      throw unauthorized(this.reasonFor(error));
    }
    // The claim checks make exp and iat required (jsonwebtoken requires neither).
    if (typeof payload.exp !== 'number' || typeof payload.iat !== 'number')
      throw unauthorized(TOKEN_ERRORS.malformed);
    // A token minted "later" than now is a clock or forging problem; jsonwebtoken accepts it.
    if (payload.iat > Date.now() / 1000 + this.settings.auth.leewaySeconds)
      throw unauthorized(TOKEN_ERRORS.notYetValid);
    checkIssuerAndAudience(payload, this.keys.expectedIssuer, this.settings.identityProvider.audience);
    return { payload, kid: trusted.kid };
  }

  private reasonFor(error: unknown): string {
    // Subclasses first: both extend JsonWebTokenError.
    if (error instanceof TokenExpiredError) return TOKEN_ERRORS.expired;
    if (error instanceof NotBeforeError) return TOKEN_ERRORS.notYetValid;
    if (error instanceof JsonWebTokenError) {
      if (error.message === 'invalid signature') return TOKEN_ERRORS.signature;
      if (error.message === 'invalid algorithm') return TOKEN_ERRORS.algorithm;
      return TOKEN_ERRORS.malformed;
    }
    // Not a JWT error means a bug here, not a bad token: log it, but still answer 401.
    this.logger.error(`unexpected error while verifying a token: ${(error as Error).message}`);
    return TOKEN_ERRORS.malformed;
  }
}

/** The template's own claims (DESIGN.md "Tokens") of a token of `type`, or either type when null. */
function templateClaims(payload: Record<string, unknown>, type: TokenType | null): TokenClaims {
  // Also makes sub and jti required.
  if (!isTokenClaims(payload)) throw unauthorized(TOKEN_ERRORS.malformed);
  if (payload.sub !== payload.user_id) throw unauthorized(TOKEN_ERRORS.malformed);
  if (type !== null && payload.token_type !== type) throw unauthorized(TOKEN_ERRORS.wrongType);
  return payload;
}

/** OWASP: a verifier checks who issued a token and whom it is for, when it is told. */
function checkIssuerAndAudience(
  payload: Record<string, unknown>,
  issuer: string | null,
  audience: string | null,
): void {
  if (issuer !== null && payload.iss !== issuer) throw unauthorized(TOKEN_ERRORS.wrongIssuer);
  if (audience === null) return;
  const aud = payload.aud;
  if (aud !== audience && !(Array.isArray(aud) && aud.includes(audience)))
    throw unauthorized(TOKEN_ERRORS.wrongAudience);
}

/** The protected header, or null when it is not a base64url JSON object. */
function decodeHeader(token: string): { alg?: unknown; kid?: unknown } | null {
  try {
    const header: unknown = JSON.parse(
      Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString('utf8'),
    );
    return typeof header === 'object' && header !== null && !Array.isArray(header) ? header : null;
  } catch {
    return null;
  }
}

function unauthorized(reason: string): UnauthorizedException {
  return new UnauthorizedException(reason);
}
