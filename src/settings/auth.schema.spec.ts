import { resolve } from 'node:path';
import { parseAuthSettings } from './auth.schema';
import { EnvReader } from './env-reader';

const parse = (env: Record<string, string>, debug = true, database: 'sqlite' | 'postgres' = 'sqlite') =>
  parseAuthSettings(new EnvReader(env), debug, database);

describe(parseAuthSettings.name, () => {
  it('has simplejwt-like defaults', () => {
    expect(parse({})).toEqual({
      accessTtlSeconds: 300,
      refreshTtlSeconds: 86400,
      leewaySeconds: 30,
      verifiedTokenCacheSize: 10000,
      jwksRefetchIntervalSeconds: 30,
      devKeysDir: resolve('.dev-keys'),
      loginRateLimit: {
        perClient: 30,
        perClientUsername: 5,
        perUsername: 100,
        windowSeconds: 60,
        store: 'memory',
      },
    });
  });

  it('reads durations with units', () => {
    const settings = parse({
      JWT_ACCESS_TTL: '15m',
      JWT_REFRESH_TTL: '7d',
      JWT_LEEWAY: '10',
      LOGIN_RATE_WINDOW: '5m',
      JWKS_REFETCH_INTERVAL: '1',
    });
    expect(settings).toMatchObject({
      accessTtlSeconds: 900,
      refreshTtlSeconds: 604800,
      leewaySeconds: 10,
      jwksRefetchIntervalSeconds: 1,
    });
    expect(settings.loginRateLimit.windowSeconds).toBe(300);
  });

  it('reads counts', () => {
    const settings = parse({
      JWT_CACHE_SIZE: '0',
      LOGIN_RATE_LIMIT_IP: '100',
      LOGIN_RATE_LIMIT_IP_USERNAME: '2',
      LOGIN_RATE_LIMIT_USERNAME: '3',
    });
    expect(settings.verifiedTokenCacheSize).toBe(0);
    expect(settings.loginRateLimit).toMatchObject({ perClient: 100, perClientUsername: 2, perUsername: 3 });
  });

  it('counts login attempts in the database on PostgreSQL and in memory on SQLite, unless told', () => {
    expect(parse({}, true, 'postgres').loginRateLimit.store).toBe('database');
    expect(parse({}, true, 'sqlite').loginRateLimit.store).toBe('memory');
    expect(parse({ LOGIN_RATE_LIMIT_STORE: 'memory' }, true, 'postgres').loginRateLimit.store).toBe('memory');
    expect(parse({ LOGIN_RATE_LIMIT_STORE: 'database' }, true, 'sqlite').loginRateLimit.store).toBe(
      'database',
    );
    expect(() => parse({ LOGIN_RATE_LIMIT_STORE: 'redis' })).toThrow(
      'LOGIN_RATE_LIMIT_STORE must be one of database, memory',
    );
  });

  it.each([
    ['JWT_ACCESS_TTL', 'soon', 'JWT_ACCESS_TTL must be a duration'],
    ['JWT_ACCESS_TTL', '2d', 'JWT_ACCESS_TTL must be between 10s and 86400s'],
    ['JWT_ACCESS_TTL', '5', 'JWT_ACCESS_TTL must be between'],
    ['JWT_REFRESH_TTL', '91d', 'JWT_REFRESH_TTL must be between'],
    ['JWT_REFRESH_TTL', '-1', 'JWT_REFRESH_TTL must be a duration'],
    ['JWT_LEEWAY', '10m', 'JWT_LEEWAY must be between 0s and 300s'],
    ['JWT_CACHE_SIZE', 'many', 'JWT_CACHE_SIZE must be a whole number'],
    ['JWT_CACHE_SIZE', '-5', 'JWT_CACHE_SIZE must be between'],
    ['JWKS_REFETCH_INTERVAL', '2h', 'JWKS_REFETCH_INTERVAL must be between'],
    ['JWKS_REFETCH_INTERVAL', '0', 'JWKS_REFETCH_INTERVAL must be between 1s and 3600s'],
    ['JWT_CACHE_SIZE', '100001', 'JWT_CACHE_SIZE must be between 0 and 100000'],
    ['LOGIN_RATE_LIMIT_IP', '0', 'LOGIN_RATE_LIMIT_IP must be between'],
    ['LOGIN_RATE_LIMIT_USERNAME', '1.5', 'LOGIN_RATE_LIMIT_USERNAME must be a whole number'],
    ['LOGIN_RATE_LIMIT_IP_USERNAME', '0', 'LOGIN_RATE_LIMIT_IP_USERNAME must be between'],
    ['LOGIN_RATE_WINDOW', '0', 'LOGIN_RATE_WINDOW must be between'],
  ])('refuses %s=%s', (name, value, message) => {
    expect(() => parse({ [name]: value })).toThrow(message);
  });

  it('refuses a refresh lifetime shorter than the access lifetime', () => {
    expect(() => parse({ JWT_ACCESS_TTL: '1h', JWT_REFRESH_TTL: '30m' })).toThrow(
      'JWT_REFRESH_TTL must not be shorter than JWT_ACCESS_TTL',
    );
  });

  it('takes JWT_DEV_KEYS_DIR in DEBUG only', () => {
    expect(parse({ JWT_DEV_KEYS_DIR: '/tmp/keys' }).devKeysDir).toBe('/tmp/keys');
    expect(() => parse({ JWT_DEV_KEYS_DIR: '/tmp/keys' }, false)).toThrow(
      'JWT_DEV_KEYS_DIR is only used when DEBUG is on',
    );
  });
});
