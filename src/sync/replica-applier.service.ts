import { Logger } from '@nestjs/common';
import { EntityManager, FindOptionsWhere, QueryFailedError } from 'typeorm';
import { describeError } from '../bus/bus.errors';
import { ApplyBatcher, BatchOutcome } from './apply-batcher';
import { insertEntities } from './entity-insert';
import { CqrsBody, parseTimestamp } from './cqrs-message';
import { ReplicaEvent } from './replica.definition';
import { InvalidReplicaMessageError, ResolvedReplica } from './replica.resolved';
import { BatchEntry, ReplicaBatchState } from './replica-batch-state';
import { ReplicaState } from './replica-state.table';
import { DEFAULT_APPLY_BATCH, TABLES } from './sync.constants';
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

export interface ApplierOptions {
  /** Events applied together in one transaction, at most. */
  readonly batchSize?: number;
}

/** An event read and checked, ready to apply. */
interface PreparedEvent extends BatchEntry {
  readonly body: CqrsBody;
  /** `cqrs_revision` (always there on SAVE/SYNC). */
  readonly revision: number | null;
  /** SAVE/SYNC: the replica's values and `cqrs_updated`; null on DELETE. */
  readonly save: { readonly values: Partial<SyncedColumns>; readonly updated: Date } | null;
}

interface PendingCreate {
  readonly event: PreparedEvent;
  readonly row: SyncedColumns;
}

/**
 * Applies django-cqrs events to replica entities in transactions with the instances locked
 * (PostgreSQL: advisory lock + `FOR UPDATE`). Events that arrive while a transaction runs are
 * applied together in the next one (group commit, see ApplyBatcher); the events of one instance
 * apply one after the other in arrival order, and a batch that fails is applied again event by
 * event, so one event that cannot apply never fails the others.
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
  private readonly batcher: ApplyBatcher<PreparedEvent, ApplyResult>;

  constructor(
    private readonly registry: SyncRegistry,
    private readonly transactions: SyncTransactions,
    private readonly metrics: SyncMetrics,
    options: ApplierOptions = {},
  ) {
    this.batcher = new ApplyBatcher(options.batchSize ?? DEFAULT_APPLY_BATCH, (events) =>
      this.applyBatch(events),
    );
  }

  /** Whether this service replicates `cqrsId`. */
  handles(cqrsId: string): boolean {
    return this.registry.replica(cqrsId) !== undefined;
  }

  /**
   * Applies one event (in a transaction shared with the events that arrive meanwhile). Throws
   * InvalidReplicaMessageError when it can never apply, anything else when it may apply later
   * (the consumer retries those).
   */
  async apply(body: CqrsBody): Promise<ApplyResult> {
    const event = this.prepare(body);
    const result = await this.batcher.submit(`${body.cqrs_id}:${String(event.pk)}`, event);
    if (result.kind === 'applied')
      this.metrics.onApplied(body.cqrs_id, body.signal_type, event.revision ?? undefined);
    else {
      this.metrics.onDropped(body.cqrs_id, result.reason);
      const log = `${body.signal_type} ${body.cqrs_id} ${String(event.pk)} r${event.revision ?? '?'} dropped as ${result.reason}: ${result.detail}`;
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

  /** Everything that can be read from the message alone, so a malformed one never joins a batch. */
  private prepare(body: CqrsBody): PreparedEvent {
    const replica = this.replicaFor(body.cqrs_id);
    const data = body.instance_data;
    if (body.signal_type === 'DELETE') {
      const pk = replica.pkFrom(data, 'id');
      const revision = readRevision(body);
      const inbox = revision === null ? null : { signal: 'DELETE' as const, revision };
      return { body, replica, pk, revision, inbox, save: null };
    }
    const updated = readUpdated(body);
    const values = replica.valuesFrom(data);
    const pk = replica.pkFrom(data);
    const revision = readRevision(body)!;
    const inbox = body.signal_type === 'SYNC' ? null : { signal: 'SAVE' as const, revision };
    return { body, replica, pk, revision, inbox, save: { values, updated } };
  }

  /**
   * The whole batch in one transaction; if anything in it fails, each event again in its own,
   * so one event that cannot apply fails alone and the others apply.
   */
  private async applyBatch(events: readonly PreparedEvent[]): Promise<BatchOutcome<ApplyResult>[]> {
    if (events.length > 1) {
      const afterCommit: AfterCommit[] = [];
      try {
        const results = await this.transactions.run(undefined, (manager) =>
          this.applyInTransaction(manager, events, afterCommit),
        );
        for (const callback of afterCommit) this.runAfterCommit(callback);
        return results.map((value) => ({ ok: true, value }));
      } catch (error) {
        this.logger.debug(
          `a batch of ${events.length} events failed (${describeError(error)}); applying them one by one`,
        );
      }
    }
    const outcomes: BatchOutcome<ApplyResult>[] = [];
    for (const event of events) {
      try {
        outcomes.push({ ok: true, value: await this.applyAlone(event) });
      } catch (error) {
        outcomes.push({ ok: false, error });
      }
    }
    return outcomes;
  }

  private async applyAlone(event: PreparedEvent): Promise<ApplyResult> {
    for (let attempt = 1; ; attempt++) {
      const afterCommit: AfterCommit[] = [];
      try {
        const [result] = await this.transactions.run(undefined, (manager) =>
          this.applyInTransaction(manager, [event], afterCommit),
        );
        for (const callback of afterCommit) this.runAfterCommit(callback);
        return result;
      } catch (error) {
        if (attempt >= UNIQUE_RACE_ATTEMPTS || !isUniqueViolation(error)) throw error;
      }
    }
  }

  /** Locks and reads the state of every event's instance at once, then decides event by event. */
  private async applyInTransaction(
    manager: EntityManager,
    events: readonly PreparedEvent[],
    afterCommit: AfterCommit[],
  ): Promise<ApplyResult[]> {
    const state = await ReplicaBatchState.load(manager, events, this.transactions.writeLock);
    const creates: PendingCreate[] = [];
    const results: ApplyResult[] = [];
    for (const event of events)
      results.push(
        event.save === null
          ? await this.applyDelete(manager, state, event, afterCommit)
          : await this.applySave(manager, state, event, event.save, creates, afterCommit),
      );
    await this.insertCreated(manager, creates, afterCommit);
    return results;
  }

  private async applySave(
    manager: EntityManager,
    state: ReplicaBatchState,
    event: PreparedEvent,
    save: NonNullable<PreparedEvent['save']>,
    creates: PendingCreate[],
    afterCommit: AfterCommit[],
  ): Promise<ApplyResult> {
    const { body, replica, pk } = event;
    const revision = event.revision!;
    const isSync = body.signal_type === 'SYNC';
    if (!isSync && !state.isNewInInbox(event)) return dropped('duplicate', 'already in the inbox');
    const tombstone = state.tombstoneRevision(event);
    if (tombstone !== null && revision <= tombstone)
      return dropped('stale', `the instance was deleted at revision ${tombstone}`);
    const row = state.row(event);
    const change = { ...save.values, cqrsRevision: revision, cqrsUpdated: save.updated };
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
      await manager.update(replica.entity, whereOf(replica, pk), change);
      const fresh = manager.merge(replica.entity, row, change);
      const { definition } = replica;
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
      creates.push({ event, row: created });
    }
    if (tombstone !== null) await new ReplicaState(manager, body.cqrs_id, String(pk)).removeTombstone();
    return { kind: 'applied' };
  }

  /** New rows go in one multi-row INSERT per entity; their onCreate hooks run after it, in order. */
  private async insertCreated(
    manager: EntityManager,
    creates: readonly PendingCreate[],
    afterCommit: AfterCommit[],
  ): Promise<void> {
    const byEntity = new Map<ResolvedReplica['entity'], SyncedColumns[]>();
    for (const { event, row } of creates) {
      const rows = byEntity.get(event.replica.entity);
      if (rows) rows.push(row);
      else byEntity.set(event.replica.entity, [row]);
    }
    for (const [entity, rows] of byEntity) await insertEntities(manager, entity, rows);
    for (const { event, row } of creates) {
      const { definition } = event.replica;
      await this.runHook(
        definition.onCreate,
        { manager, body: event.body, row, pk: event.pk },
        afterCommit,
        definition.afterCommit,
      );
    }
  }

  private async applyDelete(
    manager: EntityManager,
    state: ReplicaBatchState,
    event: PreparedEvent,
    afterCommit: AfterCommit[],
  ): Promise<ApplyResult> {
    const { body, replica, pk, revision } = event;
    if (revision !== null && !state.isNewInInbox(event)) return dropped('duplicate', 'already in the inbox');
    const tombstone = state.tombstoneRevision(event);
    if (tombstone !== null && revision !== null && revision <= tombstone)
      return dropped(
        revision === tombstone ? 'duplicate' : 'stale',
        `already deleted at revision ${tombstone}`,
      );
    const row = state.row(event);
    if (row && revision !== null && row.cqrsRevision >= revision)
      return dropped('stale', `the replica holds revision ${row.cqrsRevision}, newer than this DELETE`);
    const { definition } = replica;
    await this.runHook(definition.onDelete, { manager, body, row, pk }, afterCommit, definition.afterCommit);
    if (row) await manager.delete(replica.entity, whereOf(replica, pk));
    // A DELETE without a revision (not sent by any django-cqrs version we know) still leaves one.
    await new ReplicaState(manager, body.cqrs_id, String(pk)).writeTombstone(
      revision ?? (row ? row.cqrsRevision + 1 : 0),
    );
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
}

function whereOf(replica: ResolvedReplica, pk: string | number): FindOptionsWhere<SyncedColumns> {
  return { [replica.pkProperty]: pk };
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
