import { DURATION_EXAMPLES, EnvReader, formatMs, parseDurationMs } from './env-reader';
import { SettingsError } from './settings-error';

/** The message bus's own settings (AMQP_URL itself stays in `Settings.amqpUrl`). */
export interface BusSettings {
  /** Topic exchange shared by every service of the system (`AMQP_EXCHANGE`). */
  readonly exchange: string;
  /** This service's queue: `SERVICE_NAME`. */
  readonly queue: string;
  /** Unacknowledged messages one consumer may hold (`BUS_PREFETCH`). */
  readonly prefetch: number;
  /** One entry per retry, each the wait before it (`BUS_RETRY_DELAYS`); empty = park at once. */
  readonly retryDelaysMs: readonly number[];
  /** How long a publish may wait for the broker's confirm, disconnected time included. */
  readonly publishTimeoutMs: number;
  /** Messages that may wait unconfirmed (in flight or while disconnected) before publish fails. */
  readonly publishBufferLimit: number;
  /** Default wait for a reply to `client.send()`. */
  readonly requestTimeoutMs: number;
  /** `BUS_HANDLER_TIMEOUT`: a handler running longer fails (retried, then parked). */
  readonly handlerTimeoutMs: number;
  /**
   * `BUS_MAX_DELIVERIES`: deliveries of one message after which it is parked without running its
   * handler, counted in the database across restarts (a message that crashes the process).
   */
  readonly maxDeliveries: number;
}

const EXCHANGE_NAME = /^[A-Za-z0-9_.:-]{1,200}$/;
const MAX_DELAY_MS = 24 * 3600 * 1000;

const DEFAULT_PUBLISH_TIMEOUT_MS = 30_000;

/** `shutdownTimeoutSeconds` bounds BUS_PUBLISH_TIMEOUT: SIGTERM waits for unconfirmed publishes. */
export function parseBusSettings(
  env: EnvReader,
  serviceName: string,
  shutdownTimeoutSeconds: number,
): BusSettings {
  const exchange = env.string('AMQP_EXCHANGE') ?? 'events';
  if (!EXCHANGE_NAME.test(exchange) || exchange.startsWith('amq.')) {
    throw new SettingsError(
      'AMQP_EXCHANGE',
      'must be letters, digits, "_", ".", ":" or "-" (max 200) and not start with amq.',
    );
  }
  return Object.freeze({
    exchange,
    queue: serviceName,
    prefetch: env.integer('BUS_PREFETCH', 50, { min: 1, max: 65535 }),
    retryDelaysMs: Object.freeze(parseDelays(env, 'BUS_RETRY_DELAYS', '1s,10s,60s')),
    publishTimeoutMs: parsePublishTimeout(env, shutdownTimeoutSeconds * 1000),
    publishBufferLimit: env.integer('BUS_PUBLISH_BUFFER', 10_000, { min: 1, max: 1_000_000 }),
    requestTimeoutMs: env.milliseconds('BUS_REQUEST_TIMEOUT', 5000, { min: 10, max: 3600_000 }),
    handlerTimeoutMs: env.milliseconds('BUS_HANDLER_TIMEOUT', 60_000, { min: 10, max: 24 * 3600_000 }),
    maxDeliveries: env.integer('BUS_MAX_DELIVERIES', 5, { min: 1, max: 1000 }),
  });
}

/**
 * A shutdown waits for unconfirmed publishes; a publish that may wait longer than the whole
 * SHUTDOWN_TIMEOUT turns a clean stop with the broker down into a forced exit (code 1). So the
 * default leaves a fifth of SHUTDOWN_TIMEOUT for the rest of the shutdown, and a longer explicit
 * value is refused.
 */
function parsePublishTimeout(env: EnvReader, shutdownTimeoutMs: number): number {
  const fallback = Math.min(DEFAULT_PUBLISH_TIMEOUT_MS, Math.floor(shutdownTimeoutMs * 0.8));
  const value = env.milliseconds('BUS_PUBLISH_TIMEOUT', fallback, { min: 100, max: 3600_000 });
  if (value >= shutdownTimeoutMs) {
    throw new SettingsError(
      'BUS_PUBLISH_TIMEOUT',
      `must be shorter than SHUTDOWN_TIMEOUT (${formatMs(shutdownTimeoutMs)}), which waits for unconfirmed publishes`,
    );
  }
  return value;
}

function parseDelays(env: EnvReader, name: string, fallback: string): number[] {
  const value = env.string(name) ?? fallback;
  if (value.toLowerCase() === 'none') return [];
  const delays = value.split(',').map((part) => {
    const delay = parseDurationMs(part);
    if (delay === null) throw new SettingsError(name, `must list durations such as ${DURATION_EXAMPLES}`);
    return delay;
  });
  if (delays.length > 20) throw new SettingsError(name, 'must list at most 20 delays');
  for (const delay of delays) {
    if (delay < 1 || delay > MAX_DELAY_MS)
      throw new SettingsError(name, `delays must be between 1ms and ${formatMs(MAX_DELAY_MS)}`);
  }
  return delays;
}
