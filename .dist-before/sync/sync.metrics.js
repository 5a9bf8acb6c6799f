"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.SyncMetrics = void 0;
const sync_constants_1 = require("./sync.constants");
class SyncMetrics {
    publishedTotal;
    appliedTotal;
    staleTotal;
    duplicateTotal;
    retriedTotal;
    deadLetteredTotal;
    relayLag;
    constructor(metrics, readBacklog, masterIds = () => []) {
        if (!metrics)
            return;
        const cqrsId = ['cqrs_id'];
        this.publishedTotal = metrics.counter({
            name: sync_constants_1.METRICS.published,
            help: 'Outbox rows the relay published and the broker confirmed',
            labelNames: cqrsId,
        });
        this.appliedTotal = metrics.counter({
            name: sync_constants_1.METRICS.applied,
            help: 'Events a replica applied',
            labelNames: ['cqrs_id', 'signal_type'],
        });
        this.staleTotal = metrics.counter({
            name: sync_constants_1.METRICS.droppedStale,
            help: 'Events dropped because the replica holds a newer revision or a tombstone',
            labelNames: cqrsId,
        });
        this.duplicateTotal = metrics.counter({
            name: sync_constants_1.METRICS.duplicate,
            help: 'Events dropped because they were already applied (same revision or inbox)',
            labelNames: cqrsId,
        });
        this.retriedTotal = metrics.counter({
            name: sync_constants_1.METRICS.retried,
            help: 'Events that failed and were sent to the retry delay queue',
            labelNames: cqrsId,
        });
        this.deadLetteredTotal = metrics.counter({
            name: sync_constants_1.METRICS.deadLettered,
            help: 'Events parked in dead_letter_<queue>',
            labelNames: ['cqrs_id', 'reason'],
        });
        this.relayLag = metrics.histogram({
            name: sync_constants_1.METRICS.relayLag,
            help: 'Seconds from the outbox row being written to the broker confirming its publish',
            labelNames: cqrsId,
            buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
        });
        let pending = null;
        const backlog = () => {
            pending ??= readBacklog()
                .then((rows) => [
                ...rows,
                ...masterIds()
                    .filter((cqrsId) => !rows.some((row) => row.cqrsId === cqrsId))
                    .map((cqrsId) => ({ cqrsId, depth: 0, oldestAgeSeconds: 0 })),
            ])
                .catch(() => [])
                .finally(() => setTimeout(() => (pending = null), 100).unref());
            return pending;
        };
        metrics.gauge({
            name: sync_constants_1.METRICS.outboxDepth,
            help: 'Outbox rows not yet published',
            labelNames: cqrsId,
            async collect() {
                this.reset();
                for (const row of await backlog())
                    this.set({ cqrs_id: row.cqrsId }, row.depth);
            },
        });
        metrics.gauge({
            name: sync_constants_1.METRICS.outboxOldestAge,
            help: 'Age in seconds of the oldest outbox row not yet published (0 when none)',
            labelNames: cqrsId,
            async collect() {
                this.reset();
                for (const row of await backlog())
                    this.set({ cqrs_id: row.cqrsId }, row.oldestAgeSeconds);
            },
        });
    }
    onPublished(cqrsId, lagSeconds) {
        this.publishedTotal?.inc({ cqrs_id: cqrsId });
        this.relayLag?.observe({ cqrs_id: cqrsId }, Math.max(0, lagSeconds));
    }
    onApplied(cqrsId, signalType) {
        this.appliedTotal?.inc({ cqrs_id: cqrsId, signal_type: signalType });
    }
    onDropped(cqrsId, reason) {
        (reason === 'stale' ? this.staleTotal : this.duplicateTotal)?.inc({ cqrs_id: cqrsId });
    }
    onRetried(cqrsId) {
        this.retriedTotal?.inc({ cqrs_id: cqrsId });
    }
    onDeadLettered(cqrsId, reason) {
        this.deadLetteredTotal?.inc({ cqrs_id: cqrsId, reason });
    }
}
exports.SyncMetrics = SyncMetrics;
