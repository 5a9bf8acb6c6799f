import { generateKeyPairSync } from 'node:crypto';
import { RawEnv } from './env-reader';
import { parseSettings } from './settings.schema';
import { settingsErrorOf } from '../../test/support/settings-error';

const keys = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});

/** What a production deployment sets; each test changes one thing. */
const production: RawEnv = {
  DEBUG: 'false',
  SECRET_KEY: 's'.repeat(32),
  JWT_VERIFY_KEY: keys.publicKey,
  JWT_SIGN_KEY: keys.privateKey,
};

const parse = (env: RawEnv) => parseSettings(env, { serviceName: 'microservice' });

const errorOf = (env: RawEnv) => settingsErrorOf(() => parse(env));

describe(parseSettings.name, () => {
  describe('defaults', () => {
    it('needs nothing in DEBUG and fills the development defaults with warnings', () => {
      const settings = parse({ DEBUG: 'true' });
      expect(settings).toMatchObject({
        debug: true,
        database: { type: 'sqlite', path: 'db.sqlite3' },
        allowedHosts: ['localhost', '127.0.0.1'],
        amqpUrl: null,
        jwtVerifyKey: null,
        jwtSignKey: null,
        port: 8000,
        serviceName: 'microservice',
        logLevel: 'debug',
        trustProxy: false,
        shutdownTimeoutSeconds: 25,
        migrateOnStart: true,
      });
      expect(settings.secretKey.length).toBeGreaterThanOrEqual(32);
      expect(settings.warnings).toEqual([expect.stringContaining('SECRET_KEY is not set')]);
      expect(Object.isFrozen(settings)).toBe(true);
    });

    it('treats a missing DEBUG as off', () => {
      expect(errorOf({}).variable).toBe('SECRET_KEY');
      expect(parse(production)).toMatchObject({ debug: false, logLevel: 'info', migrateOnStart: false });
    });

    it('gives a new random SECRET_KEY per start in DEBUG', () => {
      expect(parse({ DEBUG: '1' }).secretKey).not.toBe(parse({ DEBUG: '1' }).secretKey);
    });
  });

  it.each([
    [{ DEBUG: 'yes' }, 'DEBUG', true],
    [{ DEBUG: 'ON' }, 'DEBUG', true],
    [{ DEBUG: '0' }, 'DEBUG', false],
  ])('reads %j', (env, _name, debug) => {
    expect(parse({ ...production, ...env }).debug).toBe(debug);
  });

  it.each<[RawEnv, string, string]>([
    [{ DEBUG: 'maybe' }, 'DEBUG', 'DEBUG must be true/false/1/0'],
    [{ SECRET_KEY: undefined }, 'SECRET_KEY', 'SECRET_KEY is required when DEBUG is off'],
    [
      { SECRET_KEY: 'x'.repeat(31) },
      'SECRET_KEY',
      'SECRET_KEY must be at least 32 characters when DEBUG is off',
    ],
    [{ DATABASE_URL: 'foo://x' }, 'DATABASE_URL', 'DATABASE_URL has unsupported scheme "foo"'],
    [{ DATABASE_URL: 'db.sqlite3' }, 'DATABASE_URL', 'DATABASE_URL has unsupported scheme (none)'],
    [{ DATABASE_URL: 'sqlite://db.sqlite3' }, 'DATABASE_URL', 'must look like sqlite:///db.sqlite3'],
    [{ DATABASE_URL: 'sqlite:///' }, 'DATABASE_URL', 'must look like sqlite:///db.sqlite3'],
    [{ DATABASE_URL: 'postgres://host-only' }, 'DATABASE_URL', 'must name a host and a database'],
    [{ DATABASE_URL: 'postgres://[bad' }, 'DATABASE_URL', 'is not a valid URL'],
    [{ ALLOWED_HOSTS: ' , ' }, 'ALLOWED_HOSTS', 'must list at least one value'],
    [{ ALLOWED_HOSTS: 'good.example,bad host' }, 'ALLOWED_HOSTS', 'invalid host name "bad host"'],
    [{ AMQP_URL: 'http://broker' }, 'AMQP_URL', 'must be an amqp:// or amqps:// URL'],
    [{ AMPQ_URL: 'redis://x' }, 'AMPQ_URL', 'must be an amqp:// or amqps:// URL'],
    [{ JWT_VERIFY_KEY: undefined }, 'JWT_VERIFY_KEY', 'is required when DEBUG is off'],
    [{ JWT_VERIFY_KEY: 'not a key' }, 'JWT_VERIFY_KEY', 'must be a PEM public key'],
    [{ JWT_VERIFY_KEY: keys.privateKey }, 'JWT_VERIFY_KEY', 'must be a PEM public key'],
    [{ JWT_VERIFY_KEY: 'http://auth.example.com/jwks.json' }, 'JWT_VERIFY_KEY', 'must use https://'],
    [{ JWT_SIGN_KEY: undefined }, 'JWT_SIGN_KEY', 'is required when DEBUG is off'],
    [{ JWT_SIGN_KEY: keys.publicKey }, 'JWT_SIGN_KEY', 'must be a PEM private key'],
    [{ JWT_SIGN_KEY: '-----BEGIN ENCRYPTED PRIVATE KEY-----\nabc' }, 'JWT_SIGN_KEY', 'must not be encrypted'],
    [{ PORT: 'abc' }, 'PORT', 'PORT must be a whole number'],
    [{ PORT: '0' }, 'PORT', 'PORT must be between 1 and 65535'],
    [{ PORT: '70000' }, 'PORT', 'PORT must be between 1 and 65535'],
    [{ SERVICE_NAME: 'Billing' }, 'SERVICE_NAME', 'must be lower-case letters'],
    [{ SERVICE_NAME: '9lives' }, 'SERVICE_NAME', 'starting with a letter'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace'],
    [{ TRUST_PROXY: '101' }, 'TRUST_PROXY', 'TRUST_PROXY must be between 0 and 100'],
    [{ SHUTDOWN_TIMEOUT: 'soon' }, 'SHUTDOWN_TIMEOUT', 'must be a duration'],
    [{ SHUTDOWN_TIMEOUT: '0' }, 'SHUTDOWN_TIMEOUT', 'must be between 1s and 600s'],
    [{ SHUTDOWN_DELAY: '301s' }, 'SHUTDOWN_DELAY', 'must be between 0s and 300s'],
    [{ SHUTDOWN_DELAY: '1500ms' }, 'SHUTDOWN_DELAY', 'whole number of seconds'],
    [{ MIGRATE_ON_START: 'sometimes' }, 'MIGRATE_ON_START', 'must be true/false/1/0'],
  ])('refuses %j naming %s', (env, variable, message) => {
    const error = errorOf({ ...production, ...env });
    expect(error.variable).toBe(variable);
    expect(error.message).toContain(message);
  });

  it('never puts a value into the error message', () => {
    const secret = 'postgres-password-that-must-not-leak';
    expect(errorOf({ ...production, SECRET_KEY: 'hunter2' }).message).not.toContain('hunter2');
    expect(errorOf({ ...production, DATABASE_URL: `foo://user:${secret}@x` }).message).not.toContain(secret);
    expect(errorOf({ ...production, AMQP_URL: `http://user:${secret}@x` }).message).not.toContain(secret);
  });

  describe('DATABASE_URL', () => {
    it.each([
      ['sqlite:///db.sqlite3', { type: 'sqlite', path: 'db.sqlite3' }],
      ['sqlite:////var/data/app.db', { type: 'sqlite', path: '/var/data/app.db' }],
      ['sqlite:///:memory:', { type: 'sqlite', path: ':memory:' }],
      [
        'postgres://postgres@127.0.0.1:5432/test',
        { type: 'postgres', url: 'postgres://postgres@127.0.0.1:5432/test' },
      ],
      ['postgresql://u:p@db/app', { type: 'postgres', url: 'postgresql://u:p@db/app' }],
    ])('reads %s', (url, database) => {
      expect(parse({ ...production, DATABASE_URL: url }).database).toEqual(database);
    });

    it('takes the password from DATABASE_PASSWORD over the URL, escaped', () => {
      const settings = parse({
        ...production,
        DATABASE_URL: 'postgres://app:old@db:5432/app',
        DATABASE_PASSWORD: 'n3w/p@ss:word',
      });
      expect(settings.database).toEqual({
        type: 'postgres',
        url: 'postgres://app:n3w%2Fp%40ss%3Aword@db:5432/app',
      });
    });
  });

  describe('REQUEST_TIMEOUT and the database timeouts', () => {
    it('defaults to 30 s for a request, 5 s to connect, 60 s for a query', () => {
      const settings = parse(production);
      expect(settings.requestTimeoutMs).toBe(30_000);
      expect(settings.databaseTimeouts).toEqual({ connectMs: 5_000, queryMs: 60_000 });
    });

    it('reads durations, and connects within half a short REQUEST_TIMEOUT by default', () => {
      const settings = parse({ ...production, REQUEST_TIMEOUT: '4s', DATABASE_QUERY_TIMEOUT: '2m' });
      expect(settings.requestTimeoutMs).toBe(4_000);
      expect(settings.databaseTimeouts).toEqual({ connectMs: 2_000, queryMs: 120_000 });
    });

    it('refuses a connect timeout that is not shorter than REQUEST_TIMEOUT (the 503 would come too late)', () => {
      const error = errorOf({ ...production, REQUEST_TIMEOUT: '5s', DATABASE_CONNECT_TIMEOUT: '5s' });
      expect(error.variable).toBe('DATABASE_CONNECT_TIMEOUT');
      expect(error.message).toContain('must be shorter than REQUEST_TIMEOUT');
    });

    it.each([
      ['REQUEST_TIMEOUT', '50ms'],
      ['REQUEST_TIMEOUT', 'soon'],
      ['DATABASE_CONNECT_TIMEOUT', '10ms'],
      ['DATABASE_QUERY_TIMEOUT', '-1s'],
    ])('refuses %s=%s', (variable, value) => {
      expect(errorOf({ ...production, [variable]: value }).variable).toBe(variable);
    });
  });

  describe('ALLOWED_HOSTS', () => {
    it('reads a CSV, lower-cased, with Django-style subdomain wildcards', () => {
      expect(
        parse({ ...production, ALLOWED_HOSTS: 'API.example.com, .example.org,[::1]' }).allowedHosts,
      ).toEqual(['api.example.com', '.example.org', '[::1]']);
    });

    it('accepts * with a warning when DEBUG is off', () => {
      const settings = parse({ ...production, ALLOWED_HOSTS: '*' });
      expect(settings.allowedHosts).toEqual(['*']);
      expect(settings.warnings).toEqual([expect.stringContaining('ALLOWED_HOSTS=*')]);
      expect(parse({ DEBUG: 'true', SECRET_KEY: 'k', ALLOWED_HOSTS: '*' }).warnings).toEqual([]);
    });
  });

  describe('TRUST_PROXY', () => {
    it('warns when DEBUG is off and every X-Forwarded-For is believed', () => {
      expect(parse({ ...production, TRUST_PROXY: 'true' }).warnings).toEqual([
        expect.stringMatching(/^TRUST_PROXY=true believes any X-Forwarded-For .* set the number of proxies/),
      ]);
      expect(parse({ ...production, TRUST_PROXY: '1' }).warnings).toEqual([]);
      expect(parse({ ...production, TRUST_PROXY: '10.0.0.0/8' }).warnings).toEqual([]);
      expect(parse({ DEBUG: 'true', TRUST_PROXY: 'true' }).warnings).not.toContainEqual(
        expect.stringContaining('TRUST_PROXY'),
      );
    });
  });

  describe('AMQP_URL', () => {
    it.each([undefined, '', 'None'])('means the in-process bus when %j', (value) => {
      expect(parse({ ...production, AMQP_URL: value }).amqpUrl).toBeNull();
    });

    it('reads an amqp URL', () => {
      expect(parse({ ...production, AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672/' }).amqpUrl).toBe(
        'amqp://guest:guest@127.0.0.1:5672/',
      );
    });

    it('accepts the seed spelling AMPQ_URL with a warning, AMQP_URL winning when both are set', () => {
      const alias = parse({ ...production, AMPQ_URL: 'amqps://broker' });
      expect(alias.amqpUrl).toBe('amqps://broker');
      expect(alias.warnings).toEqual([expect.stringContaining('AMPQ_URL')]);
      expect(parse({ ...production, AMQP_URL: 'amqp://a', AMPQ_URL: 'amqp://b' }).amqpUrl).toBe('amqp://a');
    });
  });

  describe('JWT keys', () => {
    it('reads PEM keys, also with literal \\n as some secret stores write them', () => {
      const escaped = keys.publicKey.replace(/\n/g, '\\n');
      expect(parse({ ...production, JWT_VERIFY_KEY: escaped }).jwtVerifyKey).toBe(keys.publicKey);
      expect(parse(production).jwtSignKey).toBe(keys.privateKey);
    });

    it('reads JWT_SIGN_KEY=0 as a verify-only service', () => {
      expect(parse({ ...production, JWT_SIGN_KEY: '0' }).jwtSignKey).toBe(false);
    });

    it('accepts a JWKS URL: https anywhere, http only inside the cluster', () => {
      expect(
        parse({ ...production, JWT_VERIFY_KEY: 'https://login.example.com/.well-known/jwks.json' })
          .jwtVerifyKey,
      ).toBe('https://login.example.com/.well-known/jwks.json');
      const inCluster = 'http://login.login-space.svc.cluster.local:8000/.well-known/jwks.json';
      expect(parse({ ...production, JWT_VERIFY_KEY: inCluster }).jwtVerifyKey).toBe(inCluster);
    });
  });

  describe('ITEMS_SYNC', () => {
    it('makes items a master by default, a replica on request (with a broker)', () => {
      expect(parse(production).itemsSync).toBe('master');
      const broker = { AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672/' };
      expect(parse({ ...production, ...broker, ITEMS_SYNC: 'Replica' }).itemsSync).toBe('replica');
    });

    it.each([
      [{ ITEMS_SYNC: 'both' }, 'ITEMS_SYNC must be one of master, replica'],
      [{ ITEMS_SYNC: 'replica' }, 'ITEMS_SYNC is replica, which needs AMQP_URL'],
    ])('refuses %j in one line naming the variable', (env, start) => {
      const error = errorOf({ ...production, ...env });
      expect(error.variable).toBe('ITEMS_SYNC');
      expect(error.message.startsWith(start)).toBe(true);
      expect(error.message).not.toContain('\n');
    });
  });

  describe('the rest', () => {
    it.each<[RawEnv, Record<string, unknown>]>([
      [{ PORT: '9000' }, { port: 9000 }],
      [{ SERVICE_NAME: 'billing-api' }, { serviceName: 'billing-api' }],
      [{ LOG_LEVEL: 'WARN' }, { logLevel: 'warn' }],
      [{ TRUST_PROXY: 'true' }, { trustProxy: true }],
      [{ TRUST_PROXY: '2' }, { trustProxy: 2 }],
      [{ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }, { trustProxy: ['10.0.0.0/8', '127.0.0.1'] }],
      [{ SHUTDOWN_TIMEOUT: '2m' }, { shutdownTimeoutSeconds: 120 }],
      [{}, { shutdownDelaySeconds: 5 }],
      [{ DEBUG: 'true' }, { shutdownDelaySeconds: 0 }],
      [{ SHUTDOWN_DELAY: '10s' }, { shutdownDelaySeconds: 10 }],
      [{ MIGRATE_ON_START: 'true' }, { migrateOnStart: true }],
    ])('reads %j', (env, expected) => {
      expect(parse({ ...production, ...env })).toMatchObject(expected);
    });
  });
});
