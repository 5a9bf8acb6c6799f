import { Logger } from '@nestjs/common';
import { EntityManager, FindOptionsWhere, QueryFailedError } from 'typeorm';
import { CqrsBody, parseTimestamp } from './cqrs-message';
import { ReplicaEvent } from './replica.definition';
import { InvalidReplicaMessageError, ResolvedReplica } from './replica.resolved';
import { ReplicaState } from './replica-state.table';
import { TABLES } from './sync.constants';
import { SyncMetrics } from './sync.metrics';
import { SyncRegistry } from './sync.registry';
import { SyncTransactions } from './sync-transactions';
import { SyncedColumns } from './synced-columns';

export type ApplyResult =
  | { readonly kind: 'applied' }
  | { readonly kind: 'dropped'; readonly reason: 'stale' | 'duplicate'; readonly detail: string };

/** Two first inserts of one instance can race across processes; the loser simply tries again. */
const UNIQUE_RACE_ATTEMPTS = 3;

type AfterCommit = () => void;

/**
 * Applies django-cqrs events to replica entities, one transaction per event with the instance
 * locked (PostgreSQL: advisory lock + `FOR UPDATE`; in-process: one event per instance at a time).
 *
 * - SAVE: recorded in the inbox (a redelivery is a duplicate); a revision at or below a
 *   tombstone's is stale; against the stored row, older is stale, equal is a duplicate, newer
 *   applies (a gap is applied with a warning); an absent row is created at any revision.
 * - DELETE: recorded in the inbox; deletes the row unless it holds the same or a newer revision
 *   (a re-created instance), and leaves a tombstone with the DELETE's revision.
 * - SYNC: no revision guard (django-cqrs: it may overwrite with an older revision, with a
 *   warning) and not recorded in the inbox, since a repair re-sends the same revision on purpose;
 *   only a tombstone at or above its revision stops it, so a SYNC never resurrects a deleted row.
 */
export class ReplicaApplier {
  private readonly logger = new Logger('ReplicaApplier');
  private readonly resolved = new Map<string, ResolvedReplica>();
  private readonly running = new Map<string, Promise<unknown>>();

  constructor(
    private readonly registry: SyncRegistry,
    private readonly transactions: SyncTransactions,
    private readonly metrics: SyncMetrics,
  ) {}

  /** Whether this service replicates `cqrsId`. */
  handles(cqrsId: string): boolean {
    return this.registry.replica(cqrsId) !== undefined;
  }

  /**
   * Applies one event. Throws InvalidReplicaMessageError when it can never apply, anything else
   * when it may apply later (the consumer retries those).
   */
  async apply(body: CqrsBody): Promise<ApplyResult> {
    const replica = this.replicaFor(body.cqrs_id);
    const data = body.instance_data;
    const pk = body.signal_type === 'DELETE' ? replica.pkFrom(data, 'id') : replica.pkFrom(data);
    const revision = readRevision(body);
    const key = `${body.cqrs_id}:${String(pk)}`;
    const result = await this.oneAtATime(key, () => this.applyWithRetry(replica, body, pk, revision));
    if (result.kind === 'applied') this.metrics.onApplied(body.cqrs_id, body.signal_type);
    else {
      this.metrics.onDropped(body.cqrs_id, result.reason);
      const log = `${body.signal_type} ${body.cqrs_id} ${String(pk)} r${revision ?? '?'} dropped as ${result.reason}: ${result.detail}`;
      if (result.reason === 'stale') this.logger.warn(log);
      else this.logger.debug(log);
    }
    return result;
  }

  /** Pks of the instances of `cqrsId` deleted here (their tombstones). */
  async tombstonedPks(cqrsId: string): Promise<string[]> {
    const { dataSource } = this.transactions;
    const placeholder = dataSource.options.type === 'postgres' ? '$1' : '?';
    const rows = await dataSource.query<{ instance_pk: string }[]>(
      `SELECT instance_pk FROM ${TABLES.tombstones} WHERE cqrs_id = ${placeholder}`,
      [cqrsId],
    );
    return rows.map((row) => row.instance_pk);
  }

  private replicaFor(cqrsId: string): ResolvedReplica {
    let replica = this.resolved.get(cqrsId);
    if (!replica) {
      const definition = this.registry.replica(cqrsId);
      if (!definition) throw new InvalidReplicaMessageError(cqrsId, 'this service has no replica of it');
      replica = new ResolvedReplica(definition, this.transactions.dataSource);
      this.resolved.set(cqrsId, replica);
    }
    return replica;
  }

  private async applyWithRetry(
    replica: ResolvedReplica,
    body: CqrsBody,
    pk: string | number,
    revision: number | null,
  ): Promise<ApplyResult> {
    for (let attempt = 1; ; attempt++) {
      const afterCommit: AfterCommit[] = [];
      try {
        const result = await this.transactions.run(undefined, (manager) =>
          body.signal_type === 'DELETE'
            ? this.applyDelete(manager, replica, body, pk, revision, afterCommit)
            : this.applySave(manager, replica, body, pk, revision!, afterCommit),
        );
        for (const callback of afterCommit) this.runAfterCommit(callback);
        return result;
      } catch (error) {
        if (attempt >= UNIQUE_RACE_ATTEMPTS || !isUniqueViolation(error)) throw error;
      }
    }
  }

  private async applySave(
    manager: EntityManager,
    replica: ResolvedReplica,
    body: CqrsBody,
    pk: string | number,
    revision: number,
    afterCommit: AfterCommit[],
  ): Promise<ApplyResult> {
    const isSync = body.signal_type === 'SYNC';
    const updated = readUpdated(body);
    const values = replica.valuesFrom(body.instance_data);
    const state = new ReplicaState(manager, body.cqrs_id, String(pk));
    await state.lockInstance();
    if (!isSync && !(await state.recordInInbox('SAVE', revision)))
      return dropped('duplicate', 'already in the inbox');
    const tombstone = await state.tombstoneRevision();
    if (tombstone !== null && revision <= tombstone)
      return dropped('stale', `the instance was deleted at revision ${tombstone}`);
    const where = { [replica.pkProperty]: pk } as FindOptionsWhere<SyncedColumns>;
    const row = await manager.findOne(replica.entity, { where, lock: this.transactions.writeLock });
    const change = { ...values, cqrsRevision: revision, cqrsUpdated: updated };
    const { definition } = replica;
    if (row) {
      if (!isSync && revision < row.cqrsRevision)
        return dropped('stale', `the replica holds revision ${row.cqrsRevision}`);
      if (!isSync && revision === row.cqrsRevision) return dropped('duplicate', 'same revision');
      if (!isSync && revision > row.cqrsRevision + 1)
        this.logger.warn(
          `${body.cqrs_id} ${String(pk)}: revisions ${row.cqrsRevision + 1}..${revision - 1} never arrived (applied ${revision})`,
        );
      if (isSync && revision < row.cqrsRevision)
        this.logger.warn(
          `${body.cqrs_id} ${String(pk)}: SYNC downgrades revision ${row.cqrsRevision} to ${revision}`,
        );
      await manager.update(replica.entity, where, change);
      const fresh = manager.merge(replica.entity, row, change);
      await this.runHook(
        definition.onUpdate,
        { manager, body, row: fresh, pk },
        afterCommit,
        definition.afterCommit,
      );
    } else {
      const created = manager.create(replica.entity, {
        ...change,
        [replica.pkProperty]: pk,
      } as Partial<SyncedColumns>);
      await manager.insert(replica.entity, created);
      await this.runHook(
        definition.onCreate,
        { manager, body, row: created, pk },
        afterCommit,
        definition.afterCommit,
      );
    }
    if (tombstone !== null) await state.removeTombstone();
    return { kind: 'applied' };
  }

  private async applyDelete(
    manager: EntityManager,
    replica: ResolvedReplica,
    body: CqrsBody,
    pk: string | number,
    revision: number | null,
    afterCommit: AfterCommit[],
  ): Promise<ApplyResult> {
    const state = new ReplicaState(manager, body.cqrs_id, String(pk));
    await state.lockInstance();
    if (revision !== null && !(await state.recordInInbox('DELETE', revision)))
      return dropped('duplicate', 'already in the inbox');
    const tombstone = await state.tombstoneRevision();
    if (tombstone !== null && revision !== null && revision <= tombstone)
      return dropped(
        revision === tombstone ? 'duplicate' : 'stale',
        `already deleted at revision ${tombstone}`,
      );
    const where = { [replica.pkProperty]: pk } as FindOptionsWhere<SyncedColumns>;
    const row = await manager.findOne(replica.entity, { where, lock: this.transactions.writeLock });
    if (row && revision !== null && row.cqrsRevision >= revision)
      return dropped('stale', `the replica holds revision ${row.cqrsRevision}, newer than this DELETE`);
    const { definition } = replica;
    await this.runHook(definition.onDelete, { manager, body, row, pk }, afterCommit, definition.afterCommit);
    if (row) await manager.delete(replica.entity, where);
    // A DELETE without a revision (not sent by any django-cqrs version we know) still leaves one.
    await state.writeTombstone(revision ?? (row ? row.cqrsRevision + 1 : 0));
    return { kind: 'applied' };
  }

  private async runHook<T>(
    hook: ((event: ReplicaEvent<T>) => Promise<void> | void) | undefined,
    event: ReplicaEvent<T>,
    afterCommit: AfterCommit[],
    after: ((event: Omit<ReplicaEvent<T>, 'manager'>) => void) | undefined,
  ): Promise<void> {
    if (hook) await hook(event);
    if (after) {
      const { manager: _manager, ...rest } = event;
      afterCommit.push(() => after(rest));
    }
  }

  private runAfterCommit(callback: AfterCommit): void {
    try {
      callback();
    } catch (error) {
      this.logger.error(`afterCommit hook failed: ${(error as Error).message}`);
    }
  }

  /** Events of one instance apply one after the other, in arrival order, within this process. */
  private oneAtATime<T>(key: string, work: () => Promise<T>): Promise<T> {
    const before = this.running.get(key) ?? Promise.resolve();
    const result = before.then(work, work);
    const settled = result.catch(() => undefined);
    this.running.set(key, settled);
    void settled.then(() => {
      if (this.running.get(key) === settled) this.running.delete(key);
    });
    return result;
  }
}

function dropped(reason: 'stale' | 'duplicate', detail: string): ApplyResult {
  return { kind: 'dropped', reason, detail };
}

/** `cqrs_revision` of `instance_data`: required on SAVE/SYNC, optional on DELETE. */
function readRevision(body: CqrsBody): number | null {
  const value = body.instance_data.cqrs_revision;
  if (value === undefined && body.signal_type === 'DELETE') return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
    throw new InvalidReplicaMessageError(body.cqrs_id, 'instance_data.cqrs_revision must be an integer >= 0');
  return value;
}

function readUpdated(body: CqrsBody): Date {
  const value = body.instance_data.cqrs_updated;
  const date = typeof value === 'string' ? parseTimestamp(value) : null;
  if (!date)
    throw new InvalidReplicaMessageError(body.cqrs_id, 'instance_data.cqrs_updated must be a timestamp');
  return date;
}

function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: string } | undefined;
  return driverError?.code === '23505' || /UNIQUE constraint failed/.test(error.message);
}
