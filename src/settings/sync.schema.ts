import { EnvReader } from './env-reader';

/** Data sync (django-cqrs) settings; the names of Django's `CQRS` keys are in the comments. */
export interface SyncSettings {
  /** Failed applies retried this many times, then dead-lettered; null = forever (`CQRS_MAX_RETRIES`). */
  readonly maxRetries: number | null;
  /** Wait before each retry (`CQRS_RETRY_DELAY`). */
  readonly retryDelayMs: number;
  /** `expires` = publish time + this; null = never expires (`CQRS_MESSAGE_TTL`). */
  readonly messageTtlSeconds: number | null;
  /** AMQP `expiration` of dead letters; null = kept forever (`dead_message_ttl`). */
  readonly deadMessageTtlMs: number | null;
  /** Outbox rows published per relay batch. */
  readonly relayBatchSize: number;
  /** Fallback poll of the relay (it is woken on every commit anyway). */
  readonly relayPollMs: number;
  /** The `prune-sync` job's window: sent outbox rows, inbox rows and tombstones older than this go. */
  readonly retentionSeconds: number;
  /** Replica events applied in one transaction at most (group commit). */
  readonly applyBatchSize: number;
}

export function parseSyncSettings(env: EnvReader): SyncSettings {
  return Object.freeze({
    maxRetries: isNone(env, 'SYNC_MAX_RETRIES')
      ? null
      : env.integer('SYNC_MAX_RETRIES', 30, { min: 0, max: 1_000_000 }),
    retryDelayMs: env.milliseconds('SYNC_RETRY_DELAY', 2_000, { min: 1, max: 3_600_000 }),
    messageTtlSeconds: isNone(env, 'SYNC_MESSAGE_TTL')
      ? null
      : env.seconds('SYNC_MESSAGE_TTL', 86_400, { min: 1, max: 365 * 86_400 }),
    deadMessageTtlMs: isNone(env, 'SYNC_DEAD_MESSAGE_TTL')
      ? null
      : env.seconds('SYNC_DEAD_MESSAGE_TTL', 864_000, { min: 1, max: 365 * 86_400 }) * 1000,
    relayBatchSize: env.integer('SYNC_RELAY_BATCH', 500, { min: 1, max: 10_000 }),
    relayPollMs: env.milliseconds('SYNC_RELAY_POLL', 5_000, { min: 10, max: 3_600_000 }),
    retentionSeconds: env.seconds('SYNC_RETENTION', 7 * 86_400, { min: 3_600, max: 3_650 * 86_400 }),
    applyBatchSize: env.integer('SYNC_APPLY_BATCH', 200, { min: 1, max: 5_000 }),
  });
}

function isNone(env: EnvReader, name: string): boolean {
  return env.string(name)?.toLowerCase() === 'none';
}
