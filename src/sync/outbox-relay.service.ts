import { Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { BusClient } from '../bus/bus.client';
import { describeError } from '../bus/bus.errors';
import { encodeCqrsBody, formatExpires } from './cqrs-message';
import { OutboxPayload, OutboxRow } from './outbox.table';
import { readTimestamp, SqlParameters } from './sql-values';
import {
  CQRS_CONTENT_TYPE,
  CQRS_EXCHANGE,
  DEFAULT_RELAY_BATCH,
  DEFAULT_RELAY_POLL_MS,
  OUTBOX_PARTITIONS,
  TABLES,
} from './sync.constants';
import { OutboxBacklog, SyncMetrics } from './sync.metrics';
import { SyncTransactions } from './sync-transactions';
import { activeTracing, MessageHeaders } from '../tracing/tracing';

export interface RelayOptions {
  /** Rows published (and confirmed) per batch. */
  readonly batchSize?: number;
  /** The fallback poll, for a wake-up signal that was missed. */
  readonly pollMs?: number;
  /** Pause after a failed batch (broker refusing or timing out). */
  readonly retryPauseMs?: number;
}

/** Partitions one relay claims per pass, so replicas of the service share the work. */
const PARTITIONS_PER_PASS = Math.max(1, OUTBOX_PARTITIONS / 2);
/** Passes one process runs at once on PostgreSQL. */
const POSTGRES_LANES = 2;

/** One pass loop: whether something may wait, and how to cut its sleep short. */
interface Lane {
  isDirty: boolean;
  wakeUp: (() => void) | null;
}

/** What a pass did: how many rows it published, and whether it stopped at one of its limits. */
interface Pass {
  readonly published: number;
  /** It took a full batch or every partition it may claim: more may be pending. */
  readonly isLimited: boolean;
}

const NOTHING_PENDING: Pass = { published: 0, isLimited: false };

/**
 * Publishes the outbox on the `cqrs` exchange as django-cqrs expects (text/plain, persistent, one
 * message per row), waits for the broker's confirms, then marks the rows sent. A crash between
 * the two re-sends the batch, and replicas drop the duplicates by revision.
 *
 * Order: every change of an instance lands in one of OUTBOX_PARTITIONS partitions, and a relay
 * holds a partition's lock row (`FOR UPDATE SKIP LOCKED`) from reading its rows until they are
 * marked, so no other replica of the service can publish a later revision of the same instance
 * first; rows of an instance are ids in commit order (the row lock orders the writers). SQLite
 * has one process, hence one relay and no locks.
 *
 * Wake-ups: in-process after each commit that wrote the outbox, PostgreSQL NOTIFY for rows other
 * processes wrote (OutboxAnnouncer → OutboxListener), and a slow poll as the fallback (rows
 * inserted by raw SQL wait for it). Never a long poll.
 */
export class OutboxRelay {
  private readonly logger = new Logger('OutboxRelay');
  private readonly batchSize: number;
  private readonly pollMs: number;
  private readonly retryPauseMs: number;
  private readonly isPostgres: boolean;
  private isRunning = false;
  private readonly lanes: Lane[];
  private loops: Promise<void>[] = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: SyncTransactions,
    private readonly bus: BusClient,
    private readonly metrics: SyncMetrics,
    options: RelayOptions = {},
  ) {
    this.batchSize = options.batchSize ?? DEFAULT_RELAY_BATCH;
    this.pollMs = options.pollMs ?? DEFAULT_RELAY_POLL_MS;
    this.retryPauseMs = options.retryPauseMs ?? 1_000;
    this.isPostgres = dataSource.options.type === 'postgres';
    // Two passes at once on PostgreSQL: while one waits for the broker's confirms, the other
    // reads and marks its rows (they claim different partitions, so order holds). SQLite: one.
    this.lanes = Array.from({ length: this.isPostgres ? POSTGRES_LANES : 1 }, () => ({
      isDirty: true,
      wakeUp: null,
    }));
    transactions.onCommitted(() => this.wake());
  }

  /** Starts the background loop (idempotent). */
  start(): void {
    if (this.isRunning) return;
    this.isRunning = true;
    this.loops = this.lanes.map((lane) => this.run(lane));
  }

  /** Stops the loop after the batch in hand is published and marked. */
  async stop(): Promise<void> {
    this.isRunning = false;
    for (const lane of this.lanes) lane.wakeUp?.();
    await Promise.all(this.loops);
    this.loops = [];
  }

  /**
   * Something may be waiting. Every lane in a pass runs another when it ends: the new rows may lie
   * in a partition it holds, which no other pass can claim, and it may have read the outbox before
   * they committed. Of the sleeping lanes one runs a pass now, not all: a single commit's rows lie
   * in one partition, and every other lane woken ran an empty pass (three statements on
   * PostgreSQL). Cheap to call often.
   */
  wake(): void {
    for (const lane of this.lanes) if (lane.wakeUp === null) lane.isDirty = true;
    const sleeping = this.lanes.find((lane) => lane.wakeUp !== null);
    if (sleeping) {
      sleeping.isDirty = true;
      sleeping.wakeUp!();
    }
  }

  /** Publishes until the outbox is empty (or a pass fails); for the CLI and tests. */
  async drain(): Promise<number> {
    let total = 0;
    for (let published = -1; published !== 0; total += published) published = await this.publishPending();
    return total;
  }

  /**
   * One pass: claims partitions, publishes up to a batch of their pending rows in id order, waits
   * for the confirms and marks the rows sent. Returns how many were published; throws if the
   * broker refused or timed out (nothing is marked then).
   */
  async publishPending(): Promise<number> {
    return (await this.pass()).published;
  }

  /** Pending rows per `cqrs_id`, with the age of the oldest (for the metrics). */
  static async readBacklog(dataSource: DataSource): Promise<OutboxBacklog[]> {
    const rows = await dataSource.query<{ cqrs_id: string; depth: string | number; oldest: unknown }[]>(
      `SELECT cqrs_id, COUNT(*) AS depth, MIN(created_at) AS oldest FROM ${TABLES.outbox}
       WHERE sent_at IS NULL GROUP BY cqrs_id`,
    );
    const now = Date.now();
    return rows.map((row) => ({
      cqrsId: row.cqrs_id,
      depth: Number(row.depth),
      oldestAgeSeconds: Math.max(0, (now - readTimestamp(row.oldest).getTime()) / 1000),
    }));
  }

  private async run(lane: Lane): Promise<void> {
    while (this.isRunning) {
      if (!lane.isDirty) await this.sleep(lane, this.pollMs);
      if (!this.isRunning) break;
      lane.isDirty = false;
      try {
        // A pass that stopped at a limit (a full batch, or PARTITIONS_PER_PASS partitions claimed)
        // may have left rows: another pass goes on at once, or a burst's other partitions would
        // wait for the fallback poll. One that did not has published all it found; rows committed
        // since then woke a lane themselves. (Another pass after every productive one cost two
        // empty passes per single-change commit: six statements for nothing.)
        if ((await this.pass()).isLimited) this.wake();
      } catch (error) {
        this.logger.warn(`publishing the outbox failed, retrying: ${describeError(error)}`);
        lane.isDirty = true;
        await this.sleep(lane, this.retryPauseMs);
      }
    }
  }

  private async pass(): Promise<Pass> {
    if (this.isPostgres) return this.dataSource.transaction((manager) => this.passOnPostgres(manager));
    const rows = await this.transactions.serially(() => this.pendingRows(this.dataSource.manager, null));
    if (rows.length === 0) return NOTHING_PENDING;
    await this.publish(rows);
    await this.transactions.serially(() => this.markSent(this.dataSource.manager, rows));
    return { published: rows.length, isLimited: rows.length === this.batchSize };
  }

  private async passOnPostgres(manager: EntityManager): Promise<Pass> {
    const claimed = await manager.query<{ id: number }[]>(
      `SELECT p.id FROM ${TABLES.relayPartitions} p
       WHERE EXISTS (SELECT 1 FROM ${TABLES.outbox} o WHERE o.partition = p.id AND o.sent_at IS NULL)
       ORDER BY random() LIMIT ${PARTITIONS_PER_PASS}
       FOR UPDATE OF p SKIP LOCKED`,
    );
    if (claimed.length === 0) return NOTHING_PENDING;
    const rows = await this.pendingRows(
      manager,
      claimed.map((partition) => partition.id),
    );
    if (rows.length === 0) return NOTHING_PENDING;
    await this.publish(rows);
    // The marks need not wait for the WAL flush: a crash that loses them re-sends the batch, which
    // a crash between publish and mark does anyway (replicas drop the duplicates by revision).
    // The pass then no longer holds its partitions for an fsync before the next one can start.
    await manager.query('SET LOCAL synchronous_commit TO OFF');
    await this.markSent(manager, rows);
    return {
      published: rows.length,
      isLimited: rows.length === this.batchSize || claimed.length === PARTITIONS_PER_PASS,
    };
  }

  private async pendingRows(manager: EntityManager, partitions: number[] | null): Promise<OutboxRow[]> {
    const parameters = new SqlParameters(this.isPostgres ? 'postgres' : 'sqlite');
    const inPartitions = partitions === null ? '' : `AND partition IN (${parameters.list(partitions)})`;
    const limit = parameters.add(this.batchSize);
    return await manager.query<OutboxRow[]>(
      `SELECT id, cqrs_id, instance_pk, signal_type, routing_key, partition, payload, ttl_seconds, created_at,
         trace_context
       FROM ${TABLES.outbox} WHERE sent_at IS NULL ${inPartitions} ORDER BY id LIMIT ${limit}`,
      parameters.values,
    );
  }

  /** Publishes the rows in order on one channel and resolves when the broker confirmed them all. */
  private async publish(rows: readonly OutboxRow[]): Promise<void> {
    const now = Date.now();
    const tracing = activeTracing();
    const confirms = rows.map((row) => {
      const body = bodyOf(row, now);
      // A row written outside a span (tracing off then, the CLI, raw SQL) starts no trace here.
      if (!tracing || row.trace_context === null)
        return this.bus.publishRaw(CQRS_EXCHANGE, row.routing_key, body, PROPERTIES);
      // The span joins the trace of the request that wrote the row; its context goes in the AMQP
      // headers, which django-cqrs ignores (the body is unchanged).
      const headers: MessageHeaders = {};
      return tracing.tracePublish(
        CQRS_EXCHANGE,
        row.routing_key,
        headers,
        () => this.bus.publishRaw(CQRS_EXCHANGE, row.routing_key, body, { ...PROPERTIES, headers }),
        { storedParent: row.trace_context },
      );
    });
    const results = await Promise.allSettled(confirms);
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
    const confirmedAt = Date.now();
    for (const row of rows)
      this.metrics.onPublished(row.cqrs_id, (confirmedAt - readTimestamp(row.created_at).getTime()) / 1000);
  }

  private async markSent(manager: EntityManager, rows: readonly OutboxRow[]): Promise<void> {
    const parameters = new SqlParameters(this.isPostgres ? 'postgres' : 'sqlite');
    const sentAt = parameters.add(new Date());
    const ids = parameters.list(rows.map((row) => row.id));
    await manager.query(
      `UPDATE ${TABLES.outbox} SET sent_at = ${sentAt} WHERE id IN (${ids})`,
      parameters.values,
    );
  }

  private sleep(lane: Lane, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        lane.wakeUp = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      lane.wakeUp = done;
    });
  }
}

/** django-cqrs §3: `text/plain`, persistent, and nothing else. */
const PROPERTIES = { contentType: CQRS_CONTENT_TYPE, persistent: true } as const;

/** The full body: the stored part plus `retries` 0 and `expires` counted from this publish. */
function bodyOf(row: OutboxRow, now: number): Buffer {
  const payload = JSON.parse(row.payload) as OutboxPayload;
  const ttl = row.ttl_seconds === null ? null : Number(row.ttl_seconds);
  return encodeCqrsBody({
    ...payload,
    retries: 0,
    expires: ttl === null ? null : formatExpires(new Date(now + ttl * 1000)),
  });
}
