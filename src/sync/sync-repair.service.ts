import { EntityManager, In } from 'typeorm';
import { formatPythonDatetime, InstancePk } from './cqrs-message';
import { MasterRepository } from './master-repository';
import { MasterRows } from './master-rows';
import { insertOutboxRows, OutboxMessage, OutboxPayload } from './outbox.table';
import { SqlParameters } from './sql-values';
import { directRoutingKey, TABLES } from './sync.constants';
import { SyncDiffReport } from './sync-diff.service';
import { SyncRegistry } from './sync.registry';
import { SyncSender } from './sync-sender.service';
import { SyncedColumns } from './synced-columns';

export interface RepairResult {
  /** SYNC messages queued (rows missing on the replica or at another revision). */
  readonly synced: number;
  /** DELETE messages queued (rows the replica has and the master no longer has). */
  readonly deleted: number;
  /** Missing rows not re-sent: the replica's tombstone is at or above their revision, so it would refuse them. */
  readonly blocked: readonly InstancePk[];
  /** Extra rows not deleted: the master has them again (re-created since the diff). */
  readonly reappeared: readonly InstancePk[];
}

export interface RepairOptions {
  /** Rows per transaction (default 1000). */
  readonly batchSize?: number;
  /** After each batch: messages queued so far, messages to queue in all. */
  readonly onProgress?: (done: number, total: number) => void;
}

const DEFAULT_BATCH = 1_000;

/**
 * Re-sends what a diff found, to that replica's queue only (`cqrs.<queue>.<cqrs_id>`), through the
 * outbox: SYNC for rows missing there or at another revision (SYNC has no revision guard, so the
 * master's state wins either way), DELETE for rows the master no longer has.
 *
 * The DELETE's revision: the replica drops a DELETE at or below the revision it holds, and its
 * tombstone keeps the revision so a late SAVE cannot bring the row back. So it is the larger of
 * the replica's revision + 1 and the revision the master's own DELETE had (found in the outbox
 * until `sync:cleanup` prunes it; after that no late SAVE can arrive, they have expired).
 */
export class SyncRepair {
  constructor(
    private readonly registry: SyncRegistry,
    private readonly sender: SyncSender,
  ) {}

  async repair(report: SyncDiffReport, queue: string, options: RepairOptions = {}): Promise<RepairResult> {
    const master = this.registry.master(report.cqrsId);
    const batchSize = options.batchSize ?? DEFAULT_BATCH;
    const blocked = report.missing
      .filter((row) => row.replicaTombstone !== null && row.replicaTombstone >= row.masterRevision)
      .map((row) => row.pk);
    const isBlocked = new Set(blocked.map(String));
    const toSync = [
      ...report.missing.filter((row) => !isBlocked.has(String(row.pk))),
      ...report.revisionDiffers,
    ].map((row) => row.pk);
    const total = toSync.length + report.extra.length;
    let done = 0;
    let synced = 0;
    for (let start = 0; start < toSync.length; start += batchSize) {
      const chunk = toSync.slice(start, start + batchSize);
      synced += await this.sender.resync(report.cqrsId, {
        where: { [master.master.pkProperty]: In(chunk) },
        queue,
        batchSize,
      });
      done += chunk.length;
      options.onProgress?.(done, total);
    }
    let deleted = 0;
    const reappeared: InstancePk[] = [];
    for (let start = 0; start < report.extra.length; start += batchSize) {
      const chunk = report.extra.slice(start, start + batchSize);
      const result = await this.registry.transactions.run(undefined, (manager) =>
        this.enqueueDeletes(manager, master, chunk, queue),
      );
      deleted += result.deleted;
      reappeared.push(...result.reappeared);
      done += chunk.length;
      options.onProgress?.(done, total);
    }
    return { synced, deleted, blocked, reappeared };
  }

  private async enqueueDeletes(
    manager: EntityManager,
    master: MasterRepository<SyncedColumns>,
    extra: SyncDiffReport['extra'],
    queue: string,
  ): Promise<{ deleted: number; reappeared: InstancePk[] }> {
    const rows = new MasterRows(master.master, this.registry.transactions);
    const existing = await rows.existing(extra.map((row) => row.pk));
    const reappeared = extra.filter((row) => existing.has(String(row.pk))).map((row) => row.pk);
    const gone = extra.filter((row) => !existing.has(String(row.pk)));
    const published = await this.lastPublishedDeleteRevisions(
      manager,
      master.cqrsId,
      gone.map((row) => row.pk),
    );
    const now = formatPythonDatetime(new Date());
    const messages = gone.map((row): OutboxMessage => {
      const pk = rows.toMasterPk(row.pk) ?? row.pk;
      const revision = Math.max(row.replicaRevision + 1, published.get(String(row.pk)) ?? 0);
      return {
        signalType: 'DELETE',
        cqrsId: master.cqrsId,
        // django-cqrs §4.2: literally `id`, whatever the pk is called.
        instanceData: { id: pk, cqrs_revision: revision, cqrs_updated: now },
        previousData: null,
        instancePk: pk,
        correlationId: master.master.correlationId('DELETE', pk, queue),
        // The master's meta function reads the row, and the row is gone: Django's default.
        meta: {},
        routingKey: directRoutingKey(queue, master.cqrsId),
        ttlSeconds: master.master.ttlSeconds,
      };
    });
    if (messages.length > 0) {
      await insertOutboxRows(manager, messages);
      this.registry.transactions.markOutboxWritten(manager);
    }
    return { deleted: messages.length, reappeared };
  }

  /**
   * The revision a DELETE of each pk had or would have had, from the master's outbox: a DELETE's
   * own revision, else the last SAVE/SYNC revision + 1. Scans the outbox rows of these pks only.
   */
  private async lastPublishedDeleteRevisions(
    manager: EntityManager,
    cqrsId: string,
    pks: readonly InstancePk[],
  ): Promise<Map<string, number>> {
    const revisions = new Map<string, number>();
    if (pks.length === 0) return revisions;
    const p = new SqlParameters(this.registry.transactions.dialect);
    const rows = await manager.query<{ instance_pk: string; signal_type: string; payload: string }[]>(
      `SELECT instance_pk, signal_type, payload FROM ${TABLES.outbox}
       WHERE cqrs_id = ${p.add(cqrsId)} AND instance_pk IN (${p.list(pks.map(String))})`,
      p.values,
    );
    for (const row of rows) {
      const revision = (JSON.parse(row.payload) as OutboxPayload).instance_data.cqrs_revision;
      if (typeof revision !== 'number') continue;
      const deleteRevision = row.signal_type === 'DELETE' ? revision : revision + 1;
      revisions.set(row.instance_pk, Math.max(revisions.get(row.instance_pk) ?? 0, deleteRevision));
    }
    return revisions;
  }
}
