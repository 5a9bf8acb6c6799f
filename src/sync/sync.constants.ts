/** Wire names, table names and defaults of data sync, in one place (see specs/cqrs-wire-format.md). */

/** The exchange every django-cqrs service shares: topic, durable, no arguments. */
export const CQRS_EXCHANGE = 'cqrs';
/** django-cqrs `CQRS_MESSAGE_TTL`: a message's `expires` is this far after its publish. */
export const DEFAULT_MESSAGE_TTL_SECONDS = 86_400;
/** django-cqrs `CQRS_MAX_RETRIES`: 31 attempts in all. */
export const DEFAULT_MAX_RETRIES = 30;
/** django-cqrs `CQRS_RETRY_DELAY` (constant, 2 s). */
export const DEFAULT_RETRY_DELAY_MS = 2_000;
/** django-cqrs `dead_message_ttl` (10 days), the AMQP `expiration` of a dead letter. */
export const DEFAULT_DEAD_MESSAGE_TTL_MS = 864_000_000;
/** AMQP properties of every message a master publishes, and nothing else (spec §3). */
export const CQRS_CONTENT_TYPE = 'text/plain';

/** Rows per relay batch: published together, confirmed together, marked sent together. */
export const DEFAULT_RELAY_BATCH = 500;
/** Replica events applied in one transaction at most (group commit; prefetch is sized for it). */
export const DEFAULT_APPLY_BATCH = 200;
/** The relay wakes on every commit; this poll only covers a missed signal. */
export const DEFAULT_RELAY_POLL_MS = 5_000;
/** Outbox partitions: one relay at a time owns a partition, which keeps each instance in order. */
export const OUTBOX_PARTITIONS = 16;
/** PostgreSQL NOTIFY channel: a writer signals it after each commit that wrote outbox rows. */
export const OUTBOX_NOTIFY_CHANNEL = 'sync_outbox';

export const TABLES = {
  outbox: 'sync_outbox',
  inbox: 'sync_inbox',
  tombstones: 'sync_tombstones',
  relayPartitions: 'sync_relay_partitions',
} as const;

/** `<cqrs_id>`: broadcast SAVE/DELETE/SYNC from a master. */
export function broadcastRoutingKey(cqrsId: string): string {
  return cqrsId;
}

/** `cqrs.<queue>.<cqrs_id>`: a SYNC aimed at one replica queue, and that replica's own retries. */
export function directRoutingKey(queue: string, cqrsId: string): string {
  return `cqrs.${queue}.${cqrsId}`;
}

/** `cqrs.dead_letter_<queue>.<cqrs_id>`: where a replica parks what it could not apply. */
export function deadLetterRoutingKey(queue: string, cqrsId: string): string {
  return directRoutingKey(`dead_letter_${queue}`, cqrsId);
}

/**
 * Broker-side delay before a retry (a name of our own; Django holds retries in memory): messages
 * expire from it into the `cqrs` exchange with `cqrs.<queue>.<cqrs_id>`.
 */
export function retryQueueName(queue: string, cqrsId: string): string {
  return `${queue}.cqrs-retry.${cqrsId}`;
}

/** `cqrs_id`s are literal routing-key words: a dot, `*` or `#` would change topic matching. */
export const CQRS_ID_PATTERN = /^[A-Za-z0-9_-]{1,200}$/;

export const METRICS = {
  outboxDepth: 'sync_outbox_depth',
  outboxOldestAge: 'sync_outbox_oldest_age_seconds',
  relayLag: 'sync_relay_lag_seconds',
  published: 'sync_events_published_total',
  applied: 'sync_events_applied_total',
  droppedStale: 'sync_events_dropped_stale_total',
  duplicate: 'sync_events_duplicate_total',
  retried: 'sync_events_retried_total',
  deadLettered: 'sync_events_dead_lettered_total',
} as const;
