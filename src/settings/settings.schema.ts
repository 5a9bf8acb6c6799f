import { randomBytes } from 'node:crypto';
import { parseAdminSettings } from './admin.schema';
import { parseAuthSettings } from './auth.schema';
import { EnvReader, RawEnv } from './env-reader';
import { SettingsError } from './settings-error';
import { parseBusSettings } from './bus.schema';
import { parseSyncSettings } from './sync.schema';
import { parseJobsSettings } from './jobs.schema';
import { parseIdentityProviderSettings } from './identity-provider.schema';
import { parseObservabilitySettings } from './observability.schema';
import {
  DatabaseSettings,
  DatabaseTimeouts,
  ItemsSyncRole,
  LogLevel,
  Settings,
  SignKeySetting,
} from './settings';

const MIN_SECRET_KEY_LENGTH = 32;
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

export interface SchemaDefaults {
  /** SERVICE_NAME when unset: the package name. */
  readonly serviceName: string;
}

/**
 * One entry per variable, read top to bottom. DEBUG comes first because it decides
 * whether the development defaults below it are allowed.
 */
export function parseSettings(raw: RawEnv, defaults: SchemaDefaults): Settings {
  const env = new EnvReader(raw);
  const warnings: string[] = [];
  const debug = env.bool('DEBUG', false);

  const secretKey = parseSecretKey(env, debug, warnings);
  const database = parseDatabase(env);
  const requestTimeoutMs = env.milliseconds('REQUEST_TIMEOUT', 30_000, { min: 100, max: 600_000 });
  const databaseTimeouts = parseDatabaseTimeouts(env, requestTimeoutMs);
  const allowedHosts = parseAllowedHosts(env, debug, warnings);
  const amqpUrl = parseAmqpUrl(env, warnings);
  const jwtVerifyKey = parseVerifyKey(env, debug);
  const jwtSignKey = parseSignKey(env, debug);
  const port = env.integer('PORT', 8000, { min: 1, max: 65535 });
  const serviceName = parseServiceName(env, defaults.serviceName);
  const logLevel = env.oneOf('LOG_LEVEL', LOG_LEVELS, debug ? 'debug' : 'info');
  const trustProxy = parseTrustProxy(env, debug, warnings);
  const shutdownTimeoutSeconds = env.seconds('SHUTDOWN_TIMEOUT', 25, { min: 1, max: 600 });
  // Kubernetes keeps routing to a terminating pod for a few seconds; a laptop has no router to wait for.
  const shutdownDelaySeconds = env.seconds('SHUTDOWN_DELAY', debug ? 0 : 5, { min: 0, max: 300 });
  const migrateOnStart = env.bool('MIGRATE_ON_START', debug);
  const itemsSync = parseItemsSync(env, amqpUrl);

  return Object.freeze({
    debug,
    secretKey,
    database,
    databaseTimeouts,
    requestTimeoutMs,
    allowedHosts: Object.freeze(allowedHosts),
    amqpUrl,
    jwtVerifyKey,
    jwtSignKey,
    port,
    serviceName,
    logLevel,
    trustProxy,
    shutdownTimeoutSeconds,
    shutdownDelaySeconds,
    migrateOnStart,
    itemsSync,
    auth: parseAuthSettings(env, debug, database.type),
    identityProvider: parseIdentityProviderSettings(env, debug, jwtSignKey !== false, jwtVerifyKey),
    bus: parseBusSettings(env, serviceName, shutdownTimeoutSeconds),
    sync: parseSyncSettings(env),
    jobs: parseJobsSettings(env),
    observability: parseObservabilitySettings(env, {
      packageName: defaults.serviceName,
      serviceName,
      httpPort: port,
    }),
    admin: parseAdminSettings(env, debug),
    warnings: Object.freeze(warnings),
  });
}

function parseSecretKey(env: EnvReader, debug: boolean, warnings: string[]): string {
  const value = env.string('SECRET_KEY');
  if (value === undefined) {
    if (!debug) throw new SettingsError('SECRET_KEY', 'is required when DEBUG is off');
    warnings.push('SECRET_KEY is not set: using a random key for this run (DEBUG only)');
    return randomBytes(48).toString('base64url');
  }
  if (!debug && value.length < MIN_SECRET_KEY_LENGTH) {
    throw new SettingsError(
      'SECRET_KEY',
      `must be at least ${MIN_SECRET_KEY_LENGTH} characters when DEBUG is off`,
    );
  }
  return value;
}

function parseDatabase(env: EnvReader): DatabaseSettings {
  const value = env.string('DATABASE_URL') ?? 'sqlite:///db.sqlite3';
  const password = env.string('DATABASE_PASSWORD');
  if (value.startsWith('sqlite://')) {
    // Django's spelling: sqlite:///relative.db, sqlite:////absolute/path.db, sqlite:///:memory:
    const path = value.slice('sqlite:///'.length);
    if (!value.startsWith('sqlite:///') || path === '') {
      throw new SettingsError('DATABASE_URL', 'must look like sqlite:///db.sqlite3 for SQLite');
    }
    return { type: 'sqlite', path };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1]?.toLowerCase();
  if (scheme !== 'postgres' && scheme !== 'postgresql') {
    throw new SettingsError(
      'DATABASE_URL',
      `has unsupported scheme ${scheme ? `"${scheme}"` : '(none)'}: use sqlite:/// or postgres://`,
    );
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new SettingsError('DATABASE_URL', 'is not a valid URL');
  }
  if (url.hostname === '' || url.pathname.length <= 1) {
    throw new SettingsError('DATABASE_URL', 'must name a host and a database (postgres://user@host:5432/db)');
  }
  if (password !== undefined) url.password = encodeURIComponent(password);
  return { type: 'postgres', url: url.toString() };
}

/**
 * A request that needs a database which is down must get its 503 before REQUEST_TIMEOUT cuts it
 * off, so connecting gives up first. A query may take longer than a request (migrations, CLI).
 */
function parseDatabaseTimeouts(env: EnvReader, requestTimeoutMs: number): DatabaseTimeouts {
  const connectMs = env.milliseconds(
    'DATABASE_CONNECT_TIMEOUT',
    Math.min(5_000, Math.floor(requestTimeoutMs / 2)),
    {
      min: 50,
      max: 600_000,
    },
  );
  if (connectMs >= requestTimeoutMs)
    throw new SettingsError(
      'DATABASE_CONNECT_TIMEOUT',
      `must be shorter than REQUEST_TIMEOUT (${requestTimeoutMs} ms), so a request to a database that is down gets its 503 in time`,
    );
  const queryMs = env.milliseconds('DATABASE_QUERY_TIMEOUT', 60_000, { min: 100, max: 24 * 3_600_000 });
  return { connectMs, queryMs };
}

/**
 * A replica receives its master's changes over RabbitMQ; the in-process bus reaches only this
 * process, which cannot also be the master of `item`, so nothing would ever arrive.
 */
function parseItemsSync(env: EnvReader, amqpUrl: string | null): ItemsSyncRole {
  const role = env.oneOf<ItemsSyncRole>('ITEMS_SYNC', ['master', 'replica'], 'master');
  if (role === 'replica' && amqpUrl === null)
    throw new SettingsError(
      'ITEMS_SYNC',
      'is replica, which needs AMQP_URL: a replica hears its master over RabbitMQ',
    );
  return role;
}

function parseAllowedHosts(env: EnvReader, debug: boolean, warnings: string[]): string[] {
  const hosts = env.csv('ALLOWED_HOSTS', ['localhost', '127.0.0.1']).map((host) => host.toLowerCase());
  for (const host of hosts) {
    if (host !== '*' && !/^(\.?[a-z0-9-]+)(\.[a-z0-9-]+)*$|^\[?[0-9a-f:.]+\]?$/.test(host)) {
      throw new SettingsError('ALLOWED_HOSTS', `has an invalid host name "${host}"`);
    }
  }
  if (hosts.includes('*') && !debug) {
    warnings.push('ALLOWED_HOSTS=* accepts any Host header; list the real host names in production');
  }
  return hosts;
}

function parseAmqpUrl(env: EnvReader, warnings: string[]): string | null {
  let name = 'AMQP_URL';
  let value = env.string('AMQP_URL');
  if (value === undefined && env.has('AMPQ_URL')) {
    name = 'AMPQ_URL';
    value = env.string('AMPQ_URL');
    warnings.push('AMPQ_URL is a misspelling kept for the Django template: rename it to AMQP_URL');
  }
  if (value === undefined || value === 'None') return null;
  if (!/^amqps?:\/\/[^/]/i.test(value)) {
    throw new SettingsError(name, 'must be an amqp:// or amqps:// URL, or None for the in-process bus');
  }
  try {
    new URL(value);
  } catch {
    throw new SettingsError(name, 'is not a valid URL');
  }
  return value;
}

/** Kubernetes secrets and .env files sometimes carry a PEM with literal `\n`. */
function normalisePem(value: string): string {
  return `${value.replace(/\\n/g, '\n').trim()}\n`;
}

function parseVerifyKey(env: EnvReader, debug: boolean): string | null {
  const value = env.string('JWT_VERIFY_KEY');
  if (value === undefined) {
    if (!debug)
      throw new SettingsError(
        'JWT_VERIFY_KEY',
        'is required when DEBUG is off (a PEM public key or a JWKS URL)',
      );
    return null;
  }
  if (/^https?:\/\//i.test(value)) {
    if (!URL.canParse(value)) throw new SettingsError('JWT_VERIFY_KEY', 'is not a valid URL');
    if (!debug && value.toLowerCase().startsWith('http://') && !isClusterLocal(value)) {
      throw new SettingsError(
        'JWT_VERIFY_KEY',
        'must use https:// for a JWKS URL outside the cluster when DEBUG is off',
      );
    }
    return value;
  }
  const pem = normalisePem(value);
  if (!/^-----BEGIN (RSA )?PUBLIC KEY-----/.test(pem) && !pem.startsWith('-----BEGIN CERTIFICATE-----')) {
    throw new SettingsError(
      'JWT_VERIFY_KEY',
      'must be a PEM public key (-----BEGIN PUBLIC KEY-----) or a JWKS URL',
    );
  }
  return pem;
}

function isClusterLocal(url: string): boolean {
  const host = new URL(url).hostname;
  return (
    host === 'localhost' ||
    host === '127.0.0.1' ||
    host.endsWith('.svc') ||
    host.endsWith('.cluster.local') ||
    !host.includes('.')
  );
}

function parseSignKey(env: EnvReader, debug: boolean): SignKeySetting | null {
  const value = env.string('JWT_SIGN_KEY');
  if (value === undefined) {
    if (!debug) {
      throw new SettingsError(
        'JWT_SIGN_KEY',
        'is required when DEBUG is off (a PEM private key, or 0 for a verify-only service)',
      );
    }
    return null;
  }
  if (value === '0') return false;
  const pem = normalisePem(value);
  if (!/^-----BEGIN (RSA |ENCRYPTED )?PRIVATE KEY-----/.test(pem)) {
    throw new SettingsError('JWT_SIGN_KEY', 'must be a PEM private key (-----BEGIN PRIVATE KEY-----) or 0');
  }
  if (pem.startsWith('-----BEGIN ENCRYPTED')) {
    throw new SettingsError('JWT_SIGN_KEY', 'must not be encrypted with a passphrase');
  }
  return pem;
}

function parseServiceName(env: EnvReader, fallback: string): string {
  const value = env.string('SERVICE_NAME') ?? fallback;
  // It names a queue and a sync identity, so keep it to what RabbitMQ and DNS both accept.
  if (!/^[a-z][a-z0-9_-]{0,62}$/.test(value)) {
    throw new SettingsError(
      'SERVICE_NAME',
      'must be lower-case letters, digits, "-" or "_", starting with a letter (max 63)',
    );
  }
  return value;
}

/**
 * `true` believes the left-most X-Forwarded-For address, which the client writes itself; a hop
 * count or the proxies' addresses take the address the last trusted proxy saw.
 */
function parseTrustProxy(
  env: EnvReader,
  debug: boolean,
  warnings: string[],
): boolean | number | readonly string[] {
  const value = env.string('TRUST_PROXY');
  if (value === undefined) return false;
  if (/^\d+$/.test(value)) return env.integer('TRUST_PROXY', 0, { min: 0, max: 100 });
  const lower = value.toLowerCase();
  if (['true', 'false', 'yes', 'no', 'on', 'off'].includes(lower)) {
    const trustAll = env.bool('TRUST_PROXY', false);
    if (trustAll && !debug) {
      warnings.push(
        'TRUST_PROXY=true believes any X-Forwarded-For a client sends (login limits become per forged address): set the number of proxies in front (e.g. 1) or their addresses/CIDRs',
      );
    }
    return trustAll;
  }
  return Object.freeze(env.csv('TRUST_PROXY', []));
}
