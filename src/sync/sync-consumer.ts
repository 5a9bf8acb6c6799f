import { Logger } from '@nestjs/common';
import { ConsumeMessage } from 'amqplib';
import { HEADERS, deadLetterQueueName } from '../bus/bus.constants';
import { describeError } from '../bus/bus.errors';
import { ExchangeOutcome, RawCopy } from '../bus/bus.server';
import { CqrsBody, CqrsDecodeError, decodeCqrsMessage, encodeCqrsBody, formatExpires } from './cqrs-message';
import { ReplicaApplier } from './replica-applier.service';
import { InvalidReplicaMessageError } from './replica.resolved';
import {
  CQRS_CONTENT_TYPE,
  CQRS_EXCHANGE,
  DEFAULT_MESSAGE_TTL_SECONDS,
  deadLetterRoutingKey,
  directRoutingKey,
  retryQueueName,
} from './sync.constants';
import { SyncMetrics } from './sync.metrics';
import { correlation } from '../platform/correlation';
import { activeTracing } from '../tracing/tracing';

export interface ConsumerOptions {
  /** This service's queue (SERVICE_NAME). */
  readonly queue: string;
  /** null = retry forever (django-cqrs `CQRS_MAX_RETRIES`). */
  readonly maxRetries: number | null;
  readonly retryDelayMs: number;
  /** AMQP `expiration` of dead letters; null = none. */
  readonly deadMessageTtlMs: number | null;
  /** Stands in for a missing `expires` (django-cqrs `CQRS_MESSAGE_TTL`). */
  readonly messageTtlSeconds: number | null;
  /** What "now" is when checking `expires` (tests set the samples' time). */
  readonly clock?: SyncClock;
}

/** The clock expiry is checked against; injectable under SYNC_CLOCK. */
export interface SyncClock {
  now(): number;
}

export const SYNC_CLOCK = Symbol('SYNC_CLOCK');

/** Why a sync message was parked (the `x-death-reason` header of the dead letter). */
export type SyncParkReason =
  'unparsable-body' | 'invalid-body' | 'unknown-cqrs-id' | 'expired' | 'retries-exhausted' | 'invalid-data';

/**
 * Receives every delivery that came through the `cqrs` exchange (the bus hands them over before
 * the @EventPattern handlers) and settles it the django-cqrs way (spec §6), with three changes
 * that stay on the same wire: unusable bodies are parked with a reason instead of dropped, the
 * retry delay is a broker-side queue instead of unacked messages in memory, and the replica
 * applier keeps revisions, an inbox and tombstones.
 */
export class SyncConsumer {
  private readonly logger = new Logger('SyncConsumer');

  constructor(
    private readonly applier: ReplicaApplier,
    private readonly metrics: SyncMetrics,
    private readonly options: ConsumerOptions,
  ) {}

  async handle(message: ConsumeMessage): Promise<ExchangeOutcome> {
    const now = this.options.clock?.now() ?? Date.now();
    let body: CqrsBody;
    let expiresAt: Date | null;
    try {
      ({ body, expiresAt } = decodeCqrsMessage(
        message.content,
        this.options.messageTtlSeconds,
        new Date(now),
      ));
    } catch (error) {
      if (!(error instanceof CqrsDecodeError)) throw error;
      return this.park(message, error.reason, error.message, error.cqrsId);
    }
    // The master's correlation id (an HTTP request id by default) shows on this side's log lines.
    const correlationId = typeof body.correlation_id === 'string' ? body.correlation_id : '';
    const settle = () => this.settle(message, body, expiresAt, now);
    const tracing = activeTracing();
    return correlation.run(correlationId, () =>
      tracing
        ? tracing.traceConsume(
            {
              routingKey: message.fields.routingKey,
              pattern: body.cqrs_id,
              exchange: message.fields.exchange,
              correlationId: correlationId || undefined,
              // The relay's `traceparent` (ours; django-cqrs masters send none: a trace of its own).
              headers: message.properties.headers,
              attributes: {
                'cqrs.id': body.cqrs_id,
                'cqrs.signal_type': body.signal_type,
                'cqrs.instance_pk': String(body.instance_pk),
                'cqrs.retries': body.retries,
              },
            },
            settle,
            (outcome) => (outcome.kind === 'ack' ? null : 'not applied: retried or dead-lettered'),
          )
        : settle(),
    );
  }

  private async settle(
    message: ConsumeMessage,
    decoded: CqrsBody,
    decodedExpiry: Date | null,
    now: number,
  ): Promise<ExchangeOutcome> {
    let body = decoded;
    let expiresAt = decodedExpiry;
    // Only a dead letter moved back by `bus:dlq replay` comes through the default exchange: like
    // django-cqrs's `cqrs_dead_letters retry`, it starts again with retries 0 and a fresh expiry.
    if (message.fields.exchange === '') ({ body, expiresAt } = this.refreshed(body, now));
    if (!this.applier.handles(body.cqrs_id))
      return this.park(
        message,
        'unknown-cqrs-id',
        `no replica of cqrs_id "${body.cqrs_id}" here`,
        body.cqrs_id,
      );
    if (expiresAt !== null && expiresAt.getTime() <= now)
      return this.deadLetter(message, body, 'expired', `expired at ${body.expires}`);
    try {
      await this.applier.apply(body);
      return { kind: 'ack' };
    } catch (error) {
      if (error instanceof InvalidReplicaMessageError)
        return this.deadLetter(message, body, 'invalid-data', error.message);
      return this.retryOrDeadLetter(message, body, error);
    }
  }

  private refreshed(body: CqrsBody, now: number): { body: CqrsBody; expiresAt: Date | null } {
    const ttl = this.options.messageTtlSeconds ?? DEFAULT_MESSAGE_TTL_SECONDS;
    const expiresAt = body.expires === null ? null : new Date(now + ttl * 1000);
    return { body: { ...body, retries: 0, expires: expiresAt && formatExpires(expiresAt) }, expiresAt };
  }

  private retryOrDeadLetter(message: ConsumeMessage, body: CqrsBody, error: unknown): ExchangeOutcome {
    const { maxRetries, queue, retryDelayMs } = this.options;
    if (maxRetries !== null && body.retries >= maxRetries)
      return this.deadLetter(message, body, 'retries-exhausted', describeError(error));
    this.logger.warn(
      `${body.signal_type} ${body.cqrs_id} ${String(body.instance_pk)} failed (attempt ${body.retries + 1}), retrying in ${retryDelayMs} ms: ${describeError(error)}`,
    );
    this.metrics.onRetried(body.cqrs_id);
    // django-cqrs republishes the body with retries + 1 to cqrs.<queue>.<cqrs_id>; the delay is a
    // queue whose messages expire into exactly that (spec §8 allows delay queues under new names).
    const retry: RawCopy = {
      exchange: CQRS_EXCHANGE,
      routingKey: directRoutingKey(queue, body.cqrs_id),
      content: encodeCqrsBody({ ...body, retries: body.retries + 1 }),
      properties: { contentType: CQRS_CONTENT_TYPE, persistent: true, expiration: String(retryDelayMs) },
      delay: { queue: retryQueueName(queue, body.cqrs_id), ms: retryDelayMs },
    };
    return { kind: 'forward', copies: [retry] };
  }

  /** django-cqrs's dead letter: the same body (retries unchanged) to `cqrs.dead_letter_<queue>.<cqrs_id>`. */
  private deadLetter(
    message: ConsumeMessage,
    body: CqrsBody,
    reason: SyncParkReason,
    detail: string,
  ): ExchangeOutcome {
    this.logger.warn(
      `parking ${body.signal_type} ${body.cqrs_id} ${String(body.instance_pk)} in ${deadLetterQueueName(this.options.queue)}: ${reason}: ${detail}`,
    );
    this.metrics.onDeadLettered(body.cqrs_id, reason);
    return {
      kind: 'forward',
      copies: [
        {
          exchange: CQRS_EXCHANGE,
          routingKey: deadLetterRoutingKey(this.options.queue, body.cqrs_id),
          content: encodeCqrsBody(body),
          properties: this.deadLetterProperties(message, reason, detail),
        },
      ],
    };
  }

  /**
   * A body the replica cannot even read, or whose `cqrs_id` has no binding to the dead-letter
   * queue: kept byte for byte, straight into `dead_letter_<queue>` (django-cqrs drops these).
   */
  private park(
    message: ConsumeMessage,
    reason: SyncParkReason,
    detail: string,
    cqrsId: string | null,
  ): ExchangeOutcome {
    const dlq = deadLetterQueueName(this.options.queue);
    this.logger.warn(
      `parking a ${CQRS_EXCHANGE} message (${message.fields.routingKey}) in ${dlq}: ${reason}: ${detail}`,
    );
    this.metrics.onDeadLettered(cqrsId ?? 'unknown', reason);
    return {
      kind: 'forward',
      copies: [
        {
          exchange: '',
          routingKey: dlq,
          toQueue: dlq,
          content: message.content,
          properties: this.deadLetterProperties(message, reason, detail),
        },
      ],
    };
  }

  private deadLetterProperties(
    message: ConsumeMessage,
    reason: SyncParkReason,
    detail: string,
  ): RawCopy['properties'] {
    const expiration = this.options.deadMessageTtlMs;
    return {
      contentType: CQRS_CONTENT_TYPE,
      persistent: true,
      ...(expiration === null ? {} : { expiration: String(expiration) }),
      // Ours (Django ignores headers): the reason for `bus:dlq list`, and the exchange that lets a
      // `bus:dlq replay` come back to this consumer.
      headers: {
        [HEADERS.deathReason]: reason,
        [HEADERS.lastError]: detail.slice(0, 500),
        [HEADERS.failedAt]: new Date().toISOString(),
        [HEADERS.originalExchange]: CQRS_EXCHANGE,
        [HEADERS.originalRoutingKey]: message.fields.routingKey,
        [HEADERS.sourceQueue]: this.options.queue,
      },
    };
  }
}
