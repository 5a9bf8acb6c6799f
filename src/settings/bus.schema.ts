import { EnvReader } from './env-reader';
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
}

const EXCHANGE_NAME = /^[A-Za-z0-9_.:-]{1,200}$/;
const MAX_DELAY_MS = 24 * 3600 * 1000;

export function parseBusSettings(env: EnvReader, serviceName: string): BusSettings {
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
    publishTimeoutMs: parseDuration(env, 'BUS_PUBLISH_TIMEOUT', '30s', { min: 100, max: 3600_000 }),
    publishBufferLimit: env.integer('BUS_PUBLISH_BUFFER', 10_000, { min: 1, max: 1_000_000 }),
    requestTimeoutMs: parseDuration(env, 'BUS_REQUEST_TIMEOUT', '5s', { min: 10, max: 3600_000 }),
  });
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3600_000 };

/** `250ms`, `5s`, `2m`, `1h`; a bare number is seconds, like the other duration settings. */
function toMs(name: string, text: string): number {
  const match = /^(\d+)\s*(ms|s|m|h)?$/i.exec(text.trim());
  if (!match) throw new SettingsError(name, 'must be a duration such as 500ms, 5s, 2m or 1h');
  return Number(match[1]) * UNITS[(match[2] ?? 's').toLowerCase()];
}

function parseDuration(
  env: EnvReader,
  name: string,
  fallback: string,
  range: { min: number; max: number },
): number {
  const value = toMs(name, env.string(name) ?? fallback);
  if (value < range.min || value > range.max) {
    throw new SettingsError(name, `must be between ${range.min}ms and ${range.max / 1000}s`);
  }
  return value;
}

function parseDelays(env: EnvReader, name: string, fallback: string): number[] {
  const value = env.string(name) ?? fallback;
  if (value.toLowerCase() === 'none') return [];
  const delays = value.split(',').map((part) => toMs(name, part));
  if (delays.length > 20) throw new SettingsError(name, 'must list at most 20 delays');
  for (const delay of delays) {
    if (delay < 1 || delay > MAX_DELAY_MS)
      throw new SettingsError(name, 'delays must be between 1ms and 24h');
  }
  return delays;
}
