/** Wire names and defaults of the bus, in one place (as nestjs/nest `constants.ts` does for RMQ). */

/** Nest token of the injectable client (`AmqpClient` or `InProcessClient`). */
export const BUS_CLIENT = Symbol('BUS_CLIENT');
/** Nest token of the in-process broker shared by the in-process client and server. */
export const IN_PROCESS_BROKER = Symbol('IN_PROCESS_BROKER');

export const DEFAULT_EXCHANGE = 'events';
export const DEFAULT_PREFETCH = 50;
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [1_000, 10_000, 60_000];
export const DEFAULT_PUBLISH_TIMEOUT_MS = 30_000;
export const DEFAULT_PUBLISH_BUFFER = 10_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;
export const RECONNECT_MIN_DELAY_MS = 250;
export const RECONNECT_MAX_DELAY_MS = 10_000;
/** How long the server's start-up waits for the broker before going on without it. */
export const STARTUP_CONNECT_WAIT_MS = 10_000;
/** Short enough that a cut network is noticed well inside a Kubernetes probe period. */
export const DEFAULT_HEARTBEAT_SECONDS = 10;

/** AMQP carries a routing key as a short string: longer is never a key a broker delivered. */
export const MAX_ROUTING_KEY_BYTES = 255;

export const DIRECT_REPLY_QUEUE = 'amq.rabbitmq.reply-to';
export const JSON_CONTENT_TYPE = 'application/json';

/** Where a service's parked messages go. */
export function deadLetterQueueName(queue: string): string {
  return `dead_letter_${queue}`;
}

/** The delay queue of one retry step; its TTL expires the message back into `queue`. */
export function retryQueueName(queue: string, delayMs: number): string {
  return `${queue}.retry.${delayMs}`;
}

/** Headers the bus writes; `x-` names are ours, never the broker's `x-death`. */
export const HEADERS = {
  retryCount: 'x-retry-count',
  originalRoutingKey: 'x-original-routing-key',
  originalExchange: 'x-original-exchange',
  deathReason: 'x-death-reason',
  lastError: 'x-last-error',
  failedAt: 'x-failed-at',
  sourceQueue: 'x-source-queue',
  /** Proves the three above were written by this service (see RetrySeal). */
  retrySeal: 'x-retry-seal',
} as const;

/** Why a message was parked in the dead-letter queue (the `x-death-reason` header). */
export type DeadLetterReason =
  | 'retries-exhausted'
  | 'unparsable-body'
  | 'invalid-body'
  | 'no-handler'
  /** Delivered BUS_MAX_DELIVERIES times without being settled: it crashes the process. */
  | 'delivery-limit';

export const METRICS = {
  published: 'bus_messages_published_total',
  confirmed: 'bus_messages_confirmed_total',
  consumed: 'bus_messages_consumed_total',
  retried: 'bus_messages_retried_total',
  deadLettered: 'bus_messages_dead_lettered_total',
  publishDuration: 'bus_publish_duration_seconds',
  handleDuration: 'bus_handle_duration_seconds',
} as const;
