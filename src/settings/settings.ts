import { AdminSettings } from './admin.schema';
import { AuthSettings } from './auth.schema';
import { BusSettings } from './bus.schema';
import { SyncSettings } from './sync.schema';
import { JobsSettings } from './jobs.schema';
import { IdentityProviderSettings } from './identity-provider.schema';
import { ObservabilitySettings } from './observability.schema';

/** Bounds on waiting for PostgreSQL (SQLite is a local file: its own busy timeout applies). */
export interface DatabaseTimeouts {
  /** DATABASE_CONNECT_TIMEOUT: opening a connection (a server that is down or unreachable). */
  readonly connectMs: number;
  /** DATABASE_QUERY_TIMEOUT: one query's answer (a server that hangs). */
  readonly queryMs: number;
}

export type DatabaseSettings =
  { readonly type: 'sqlite'; readonly path: string } | { readonly type: 'postgres'; readonly url: string };

/** `false` means this service does not issue tokens (`JWT_SIGN_KEY=0`). */
export type SignKeySetting = string | false;

/** What this service is for `cqrs_id` `item`: its master (the template's default) or a replica. */
export type ItemsSyncRole = 'master' | 'replica';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * The validated settings, built once before Nest starts (see `loadSettings`).
 * Nothing else in the service reads `process.env`.
 */
export interface Settings {
  readonly debug: boolean;
  readonly secretKey: string;
  readonly database: DatabaseSettings;
  readonly databaseTimeouts: DatabaseTimeouts;
  /** REQUEST_TIMEOUT: an HTTP request still unanswered after this gets 503 (never a hang). */
  readonly requestTimeoutMs: number;
  readonly allowedHosts: readonly string[];
  /** null → the in-process bus (single process only). */
  readonly amqpUrl: string | null;
  /** PEM public key or a JWKS URL; null → development keys (DEBUG only). */
  readonly jwtVerifyKey: string | null;
  /** PEM private key; false → verify-only service; null → development keys (DEBUG only). */
  readonly jwtSignKey: SignKeySetting | null;
  readonly port: number;
  readonly serviceName: string;
  readonly logLevel: LogLevel;
  /** Fastify `trustProxy`: false, true, a hop count, or a list of addresses/CIDRs. */
  readonly trustProxy: boolean | number | readonly string[];
  /** Seconds SIGTERM waits for in-flight work before the process exits anyway. */
  readonly shutdownTimeoutSeconds: number;
  /**
   * Seconds SIGTERM keeps serving (readiness 503, `Connection: close` on every response) before the
   * server stops accepting, so load balancers move off first; SHUTDOWN_TIMEOUT starts after it.
   */
  readonly shutdownDelaySeconds: number;
  /** Apply pending migrations when the app starts (the container entrypoint runs them itself). */
  readonly migrateOnStart: boolean;
  /** `ITEMS_SYNC`: `replica` makes the items API read-only, filled from another service's items. */
  readonly itemsSync: ItemsSyncRole;
  /** Token lifetimes, leeway, verified-token cache and login rate limits. */
  readonly auth: AuthSettings;
  /** Issuer, audience and claim mapping of the tokens verified here (JWT_ISSUER, JWT_CLAIMS_PRESET, …). */
  readonly identityProvider: IdentityProviderSettings;
  /** Exchange, queue, prefetch, retries and publish limits of the message bus. */
  readonly bus: BusSettings;
  /** Retries, expiry and relay of data sync (django-cqrs). */
  readonly sync: SyncSettings;
  /** Whether this process schedules jobs, their time zone, history retention, per-job overrides. */
  readonly jobs: JobsSettings;
  /** The metrics prefix and OpenTelemetry tracing (off unless OTEL_TRACES_EXPORTER is set). */
  readonly observability: ObservabilitySettings;
  /** The operator console at /admin (ADMIN_ENABLED, ADMIN_SESSION_TTL). */
  readonly admin: AdminSettings;
  /** Warnings found while loading; logged once the logger exists. */
  readonly warnings: readonly string[];
}

/** The token the settings are provided under in Nest. */
export const SETTINGS = Symbol('SETTINGS');
