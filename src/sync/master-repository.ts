import { DeepPartial, EntityManager, FindOptionsOrder, FindOptionsWhere, In } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { formatPythonDatetime, InstancePk, SignalType, toInstancePk } from './cqrs-message';
import { insertAndReadBack, insertEntities } from './entity-insert';
import { ResolvedMaster } from './master.definition';
import { insertOutboxRows, OutboxMessage } from './outbox.table';
import { broadcastRoutingKey, directRoutingKey } from './sync.constants';
import { SyncTransactions } from './sync-transactions';
import { SyncedColumns } from './synced-columns';

export interface WriteOptions {
  /** Join this transaction (its commit publishes); without it each call is its own transaction. */
  readonly manager?: EntityManager;
}

/** Rows per statement for IN lists and multi-row inserts. */
const CHUNK = 500;

/**
 * The write side of a master entity. Every method changes rows AND writes their outbox rows in
 * the same transaction, with `cqrs_revision` incremented in SQL under the row lock. Reads go
 * through the ordinary TypeORM repository. What does NOT write the outbox: `Repository.save/
 * insert/update/delete`, QueryBuilder writes and raw SQL on the table; after those, call
 * `recordCreated` / `recordUpdated` / `recordDeleting` in the same transaction.
 */
export class MasterRepository<T extends SyncedColumns> {
  constructor(
    readonly master: ResolvedMaster<T>,
    private readonly transactions: SyncTransactions,
  ) {}

  get cqrsId(): string {
    return this.master.cqrsId;
  }

  /** Inserts one row at revision 0 and queues its SAVE. */
  async create(values: DeepPartial<T>, options: WriteOptions = {}): Promise<T> {
    const [row] = await this.createMany([values], options);
    return row;
  }

  /** Inserts rows at revision 0 (multi-row INSERTs) and queues one SAVE per row. */
  createMany(values: readonly DeepPartial<T>[], options: WriteOptions = {}): Promise<T[]> {
    return this.transactions.run(options.manager, async (manager) => {
      const now = new Date();
      const entities = values.map((value) =>
        manager.create(this.master.entity, { ...value, cqrsRevision: 0, cqrsUpdated: now } as DeepPartial<T>),
      );
      const rows =
        (await insertAndReadBack(manager, this.master.entity, entities)) ??
        (await this.findByPks(manager, await insertEntities(manager, this.master.entity, entities)));
      await this.enqueue(
        manager,
        rows.map((row) => ({ row, before: null, signal: 'SAVE' })),
      );
      return rows;
    });
  }

  /** Changes one row (revision +1 in SQL) and queues its SAVE; null when no row has this pk. */
  async update(
    pk: unknown,
    changes: QueryDeepPartialEntity<T>,
    options: WriteOptions = {},
  ): Promise<T | null> {
    // Never `{ id: undefined }`: some TypeORM settings read that as "no condition".
    if (pk === undefined || pk === null) return null;
    const rows = await this.updateWhere(
      { [this.master.pkProperty]: pk } as FindOptionsWhere<T>,
      changes,
      options,
    );
    return rows[0] ?? null;
  }

  /** Bulk update: every matching row gets the changes and revision +1 in one UPDATE per chunk, and a SAVE each. */
  updateMany(
    where: FindOptionsWhere<T>,
    changes: QueryDeepPartialEntity<T>,
    options: WriteOptions = {},
  ): Promise<T[]> {
    return this.updateWhere(where, changes, options);
  }

  /** Deletes one row and queues its DELETE (revision = last + 1); false when no row has this pk. */
  async delete(pk: unknown, options: WriteOptions = {}): Promise<boolean> {
    if (pk === undefined || pk === null) return false;
    return (await this.deleteMany({ [this.master.pkProperty]: pk } as FindOptionsWhere<T>, options)) > 0;
  }

  /** Bulk delete: one DELETE per chunk, a DELETE message per row. Returns how many rows went. */
  deleteMany(where: FindOptionsWhere<T>, options: WriteOptions = {}): Promise<number> {
    return this.transactions.run(options.manager, async (manager) => {
      const locked = await this.lockWhere(manager, where);
      await this.recordDeletingRows(manager, locked);
      const pks = locked.map((row) => this.master.pkOf(row));
      for (let start = 0; start < pks.length; start += CHUNK)
        await manager.delete(this.master.entity, pks.slice(start, start + CHUNK));
      return locked.length;
    });
  }

  /** By hand, after inserting rows some other way: queues their SAVE at their current revision. */
  recordCreated(pks: readonly unknown[], options: WriteOptions = {}): Promise<T[]> {
    return this.transactions.run(options.manager, async (manager) => {
      const rows = await this.findByPks(manager, pks, true);
      await this.enqueue(
        manager,
        rows.map((row) => ({ row, before: null, signal: 'SAVE' })),
      );
      return rows;
    });
  }

  /** By hand, after changing rows some other way (raw SQL): revision +1 and a SAVE per row. */
  async recordUpdated(pks: readonly unknown[], options: WriteOptions = {}): Promise<T[]> {
    if (pks.length === 0) return [];
    return this.transactions.run(options.manager, async (manager) => {
      const where = { [this.master.pkProperty]: In([...pks]) } as FindOptionsWhere<T>;
      return this.updateWhere(where, {}, { manager });
    });
  }

  /** By hand, BEFORE deleting rows some other way: locks them and queues their DELETE. */
  recordDeleting(pks: readonly unknown[], options: WriteOptions = {}): Promise<number> {
    return this.transactions.run(options.manager, async (manager) => {
      const rows = await this.findByPks(manager, pks, true);
      await this.recordDeletingRows(manager, rows);
      return rows.length;
    });
  }

  /**
   * Queues SYNC messages with the rows' current state, no revision change: to every replica, or
   * with `queue` to that replica queue only (`cqrs.<queue>.<cqrs_id>`). The rows are read under a
   * share lock, so a SYNC never overtakes a change that is committing. For many rows use SyncSender.
   */
  sync(pks: readonly unknown[], options: WriteOptions & { queue?: string | null } = {}): Promise<number> {
    return this.transactions.run(options.manager, async (manager) => {
      const rows = await this.findByPks(manager, pks, 'share');
      return this.enqueueSync(manager, rows, options.queue ?? null);
    });
  }

  /** Queues SYNCs for rows already read (under a lock) in `manager`'s transaction. */
  async enqueueSync(manager: EntityManager, rows: readonly T[], queue: string | null): Promise<number> {
    return this.enqueue(
      manager,
      rows.map((row) => ({ row, before: null, signal: 'SYNC' })),
      queue,
    );
  }

  private updateWhere(
    where: FindOptionsWhere<T>,
    changes: QueryDeepPartialEntity<T>,
    options: WriteOptions,
  ): Promise<T[]> {
    return this.transactions.run(options.manager, async (manager) => {
      const before = await this.lockWhere(manager, where);
      if (before.length === 0) return [];
      const set = {
        ...withoutUndefined(changes),
        cqrsRevision: () => '"cqrs_revision" + 1',
        cqrsUpdated: new Date(),
      } as QueryDeepPartialEntity<T>;
      const pks = before.map((row) => this.master.pkOf(row));
      for (let start = 0; start < pks.length; start += CHUNK)
        await manager
          .createQueryBuilder()
          .update(this.master.entity)
          .set(set)
          .whereInIds(pks.slice(start, start + CHUNK))
          .execute();
      const after = await this.findByPks(manager, pks);
      const old = new Map(before.map((row) => [keyOf(this.master.pkOf(row)), row]));
      await this.enqueue(
        manager,
        after.map((row) => ({ row, before: old.get(keyOf(this.master.pkOf(row))) ?? null, signal: 'SAVE' })),
      );
      return after;
    });
  }

  private async recordDeletingRows(manager: EntityManager, rows: readonly T[]): Promise<void> {
    const now = formatPythonDatetime(new Date());
    const messages = rows
      .filter((row) => this.master.shouldSync(row))
      .map((row) => {
        const pk = this.master.instancePkOf(row);
        return this.message('DELETE', pk, row, {
          // django-cqrs §4.2: literally `id`, whatever the pk is called.
          instanceData: { id: pk, cqrs_revision: row.cqrsRevision + 1, cqrs_updated: now },
          previousData: null,
        });
      });
    await this.write(manager, messages);
  }

  private async enqueue(
    manager: EntityManager,
    changes: readonly { row: T; before: T | null; signal: SignalType }[],
    queue: string | null = null,
  ): Promise<number> {
    const messages = changes
      .filter(({ row }) => this.master.shouldSync(row))
      .map(({ row, before, signal }) =>
        this.message(
          signal,
          this.master.instancePkOf(row),
          row,
          {
            instanceData: this.master.serialize(row),
            // Django fills previous_data for SYNC only from unsaved in-memory changes: none here.
            previousData: signal === 'SYNC' ? null : this.master.previousData(before, row),
          },
          queue,
        ),
      );
    await this.write(manager, messages);
    return messages.length;
  }

  private message(
    signal: SignalType,
    pk: InstancePk,
    row: T,
    data: Pick<OutboxMessage, 'instanceData' | 'previousData'>,
    queue: string | null = null,
  ): OutboxMessage {
    return {
      signalType: signal,
      cqrsId: this.cqrsId,
      ...data,
      instancePk: pk,
      correlationId: this.master.correlationId(signal, pk, queue),
      meta: this.master.meta(row, signal),
      routingKey: queue === null ? broadcastRoutingKey(this.cqrsId) : directRoutingKey(queue, this.cqrsId),
      ttlSeconds: this.master.ttlSeconds,
    };
  }

  private async write(manager: EntityManager, messages: readonly OutboxMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await insertOutboxRows(manager, messages);
    this.transactions.markOutboxWritten(manager);
  }

  /** Reads `where` under the row lock (PostgreSQL `FOR UPDATE`; SQLite holds the write lock). */
  private lockWhere(manager: EntityManager, where: FindOptionsWhere<T>): Promise<T[]> {
    // In pk order, so two bulk writers lock rows in the same order and never deadlock.
    const order = { [this.master.pkProperty]: 'ASC' } as FindOptionsOrder<T>;
    return manager.find(this.master.entity, { where, order, lock: this.transactions.writeLock });
  }

  private async findByPks(
    manager: EntityManager,
    pks: readonly unknown[],
    lock: boolean | 'share' = false,
  ): Promise<T[]> {
    const rows: T[] = [];
    const mode =
      lock === 'share' ? this.transactions.shareLock : lock ? this.transactions.writeLock : undefined;
    for (let start = 0; start < pks.length; start += CHUNK) {
      const where = { [this.master.pkProperty]: In(pks.slice(start, start + CHUNK)) } as FindOptionsWhere<T>;
      rows.push(...(await manager.find(this.master.entity, { where, lock: mode })));
    }
    const order = new Map(pks.map((pk, index) => [keyOf(pk), index]));
    return rows.sort(
      (a, b) => (order.get(keyOf(this.master.pkOf(a))) ?? 0) - (order.get(keyOf(this.master.pkOf(b))) ?? 0),
    );
  }
}

function keyOf(pk: unknown): string {
  return String(toInstancePk(pk));
}

/** A PATCH DTO leaves absent fields undefined; they mean "unchanged", never NULL. */
function withoutUndefined<T extends object>(changes: T): Partial<T> {
  return Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)) as Partial<T>;
}
