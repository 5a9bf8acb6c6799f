import { resolve } from 'node:path';
import { EnvReader } from './env-reader';
import { SettingsError } from './settings-error';

/** Token lifetimes, verification tolerance and login protection (see docs/auth.md). */
export interface AuthSettings {
  /** JWT_ACCESS_TTL: access token lifetime in seconds (simplejwt's default: 5 minutes). */
  readonly accessTtlSeconds: number;
  /** JWT_REFRESH_TTL: refresh token lifetime in seconds (simplejwt's default: 1 day). */
  readonly refreshTtlSeconds: number;
  /** JWT_LEEWAY: clock skew tolerated on `exp`/`nbf`/`iat`, in seconds. */
  readonly leewaySeconds: number;
  /** JWT_CACHE_SIZE: verified access tokens kept in memory; 0 turns the cache off. */
  readonly verifiedTokenCacheSize: number;
  /** JWKS_REFETCH_INTERVAL: least seconds between two JWKS fetches caused by an unknown `kid`. */
  readonly jwksRefetchIntervalSeconds: number;
  /** JWT_DEV_KEYS_DIR: where DEBUG generates development keys when none are configured. */
  readonly devKeysDir: string;
  /** Login attempts allowed per LOGIN_RATE_WINDOW seconds, and where they are counted. */
  readonly loginRateLimit: {
    /** LOGIN_RATE_LIMIT_IP: from one client address (an IPv6 /64), whatever the username. */
    readonly perClient: number;
    /** LOGIN_RATE_LIMIT_IP_USERNAME: from one client address for one username (the strict one). */
    readonly perClientUsername: number;
    /** LOGIN_RATE_LIMIT_USERNAME: for one username from all addresses together (the ceiling). */
    readonly perUsername: number;
    readonly windowSeconds: number;
    /** LOGIN_RATE_LIMIT_STORE: `database` shares the counts across replicas; `memory` is per process. */
    readonly store: LoginRateLimitStore;
  };
}

export type LoginRateLimitStore = 'database' | 'memory';

const DAY = 86400;
const MAX_CACHED_TOKENS = 100_000;

/** `databaseType` picks where login attempts are counted unless LOGIN_RATE_LIMIT_STORE says. */
export function parseAuthSettings(
  env: EnvReader,
  debug: boolean,
  databaseType: 'sqlite' | 'postgres' = 'sqlite',
): AuthSettings {
  const accessTtlSeconds = env.seconds('JWT_ACCESS_TTL', 300, { min: 10, max: DAY });
  const refreshTtlSeconds = env.seconds('JWT_REFRESH_TTL', DAY, { min: 60, max: 90 * DAY });
  if (refreshTtlSeconds < accessTtlSeconds) {
    throw new SettingsError('JWT_REFRESH_TTL', 'must not be shorter than JWT_ACCESS_TTL');
  }
  // Beyond a few minutes leeway stops being clock skew and starts extending every token.
  const leewaySeconds = env.seconds('JWT_LEEWAY', 30, { min: 0, max: 300 });
  // Each entry holds a token string (~1 KiB): the bound keeps the cache under ~100 MiB.
  const verifiedTokenCacheSize = env.integer('JWT_CACHE_SIZE', 10_000, { min: 0, max: MAX_CACHED_TOKENS });
  // 0 would let every forged token with an unknown kid cause a JWKS fetch.
  const jwksRefetchIntervalSeconds = env.seconds('JWKS_REFETCH_INTERVAL', 30, { min: 1, max: 3600 });
  const devKeysDir = parseDevKeysDir(env, debug);
  const loginRateLimit = Object.freeze({
    perClient: env.integer('LOGIN_RATE_LIMIT_IP', 30, { min: 1, max: 100_000 }),
    perClientUsername: env.integer('LOGIN_RATE_LIMIT_IP_USERNAME', 5, { min: 1, max: 100_000 }),
    perUsername: env.integer('LOGIN_RATE_LIMIT_USERNAME', 100, { min: 1, max: 100_000 }),
    windowSeconds: env.seconds('LOGIN_RATE_WINDOW', 60, { min: 1, max: DAY }),
    // PostgreSQL is what replicas share; SQLite is one process, where memory is enough.
    store: env.oneOf<LoginRateLimitStore>(
      'LOGIN_RATE_LIMIT_STORE',
      ['database', 'memory'],
      databaseType === 'postgres' ? 'database' : 'memory',
    ),
  });
  return Object.freeze({
    accessTtlSeconds,
    refreshTtlSeconds,
    leewaySeconds,
    verifiedTokenCacheSize,
    jwksRefetchIntervalSeconds,
    devKeysDir,
    loginRateLimit,
  });
}

function parseDevKeysDir(env: EnvReader, debug: boolean): string {
  const value = env.string('JWT_DEV_KEYS_DIR');
  if (value !== undefined && !debug) {
    throw new SettingsError(
      'JWT_DEV_KEYS_DIR',
      'is only used when DEBUG is on; configure JWT_SIGN_KEY/JWT_VERIFY_KEY instead',
    );
  }
  return resolve(value ?? '.dev-keys');
}
