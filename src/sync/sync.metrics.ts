import { Counter, Histogram } from 'prom-client';
import { MetricsService } from '../platform/metrics.service';
import { METRICS } from './sync.constants';

/** Pending outbox rows per `cqrs_id`, read at scrape time. */
export interface OutboxBacklog {
  readonly cqrsId: string;
  readonly depth: number;
  readonly oldestAgeSeconds: number;
}

/** The latest relay publish or replica apply of one `cqrs_id` in this process (the admin console). */
export interface LatestSyncEvent {
  readonly at: Date;
  /** Publish: seconds from the outbox write to the broker's confirm. */
  readonly lagSeconds?: number;
  /** Apply: the instance's revision that was applied. */
  readonly revision?: number;
}

/** Why a replica did not apply an event. */
export type DropReason = 'stale' | 'duplicate';

/** Data sync's Prometheus metrics; without a MetricsService (CLI, bench) it counts nothing. */
export class SyncMetrics {
  private readonly publishedTotal?: Counter<'cqrs_id'>;
  private readonly appliedTotal?: Counter<'cqrs_id' | 'signal_type'>;
  private readonly staleTotal?: Counter<'cqrs_id'>;
  private readonly duplicateTotal?: Counter<'cqrs_id'>;
  private readonly retriedTotal?: Counter<'cqrs_id'>;
  private readonly deadLetteredTotal?: Counter<'cqrs_id' | 'reason'>;
  private readonly relayLag?: Histogram<'cqrs_id'>;
  private readonly latestPublished = new Map<string, LatestSyncEvent>();
  private readonly latestApplied = new Map<string, LatestSyncEvent>();

  /** `masterIds`: the `cqrs_id`s to report as 0 when nothing of theirs is pending. */
  constructor(
    metrics: MetricsService | null,
    readBacklog: () => Promise<OutboxBacklog[]>,
    masterIds: () => readonly string[] = () => [],
  ) {
    if (!metrics) return;
    const cqrsId = ['cqrs_id'] as const;
    this.publishedTotal = metrics.counter({
      name: METRICS.published,
      help: 'Outbox rows the relay published and the broker confirmed',
      labelNames: cqrsId,
    });
    this.appliedTotal = metrics.counter({
      name: METRICS.applied,
      help: 'Events a replica applied',
      labelNames: ['cqrs_id', 'signal_type'],
    });
    this.staleTotal = metrics.counter({
      name: METRICS.droppedStale,
      help: 'Events dropped because the replica holds a newer revision or a tombstone',
      labelNames: cqrsId,
    });
    this.duplicateTotal = metrics.counter({
      name: METRICS.duplicate,
      help: 'Events dropped because they were already applied (same revision or inbox)',
      labelNames: cqrsId,
    });
    this.retriedTotal = metrics.counter({
      name: METRICS.retried,
      help: 'Events that failed and were sent to the retry delay queue',
      labelNames: cqrsId,
    });
    this.deadLetteredTotal = metrics.counter({
      name: METRICS.deadLettered,
      help: 'Events parked in dead_letter_<queue>',
      labelNames: ['cqrs_id', 'reason'],
    });
    this.relayLag = metrics.histogram({
      name: METRICS.relayLag,
      help: 'Seconds from the outbox row being written to the broker confirming its publish',
      labelNames: cqrsId,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    });
    // One query per scrape for both gauges; they are read back to back.
    let pending: Promise<OutboxBacklog[]> | null = null;
    const backlog = (): Promise<OutboxBacklog[]> => {
      pending ??= readBacklog()
        .then((rows) => [
          ...rows,
          ...masterIds()
            .filter((cqrsId) => !rows.some((row) => row.cqrsId === cqrsId))
            .map((cqrsId) => ({ cqrsId, depth: 0, oldestAgeSeconds: 0 })),
        ])
        // A scrape while the database is away shows no series rather than failing /metrics.
        .catch(() => [])
        .finally(() => setTimeout(() => (pending = null), 100).unref());
      return pending;
    };
    metrics.gauge({
      name: METRICS.outboxDepth,
      help: 'Outbox rows not yet published',
      labelNames: cqrsId,
      async collect() {
        this.reset();
        for (const row of await backlog()) this.set({ cqrs_id: row.cqrsId }, row.depth);
      },
    });
    metrics.gauge({
      name: METRICS.outboxOldestAge,
      help: 'Age in seconds of the oldest outbox row not yet published (0 when none)',
      labelNames: cqrsId,
      async collect() {
        this.reset();
        for (const row of await backlog()) this.set({ cqrs_id: row.cqrsId }, row.oldestAgeSeconds);
      },
    });
  }

  onPublished(cqrsId: string, lagSeconds: number): void {
    this.latestPublished.set(cqrsId, { at: new Date(), lagSeconds: Math.max(0, lagSeconds) });
    this.publishedTotal?.inc({ cqrs_id: cqrsId });
    this.relayLag?.observe({ cqrs_id: cqrsId }, Math.max(0, lagSeconds));
  }

  onApplied(cqrsId: string, signalType: string, revision?: number): void {
    this.latestApplied.set(cqrsId, { at: new Date(), revision });
    this.appliedTotal?.inc({ cqrs_id: cqrsId, signal_type: signalType });
  }

  /** The last publish of `cqrsId` confirmed since this process started, if any. */
  lastPublished(cqrsId: string): LatestSyncEvent | undefined {
    return this.latestPublished.get(cqrsId);
  }

  /** The last event of `cqrsId` this process applied as a replica, if any. */
  lastApplied(cqrsId: string): LatestSyncEvent | undefined {
    return this.latestApplied.get(cqrsId);
  }

  onDropped(cqrsId: string, reason: DropReason): void {
    (reason === 'stale' ? this.staleTotal : this.duplicateTotal)?.inc({ cqrs_id: cqrsId });
  }

  onRetried(cqrsId: string): void {
    this.retriedTotal?.inc({ cqrs_id: cqrsId });
  }

  onDeadLettered(cqrsId: string, reason: string): void {
    this.deadLetteredTotal?.inc({ cqrs_id: cqrsId, reason });
  }
}
