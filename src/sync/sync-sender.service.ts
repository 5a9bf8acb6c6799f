import { Brackets, FindOptionsWhere, ObjectLiteral } from 'typeorm';
import { SyncRegistry } from './sync.registry';
import { SyncedColumns } from './synced-columns';

export interface ResyncOptions {
  /** TypeORM where of the rows to send (e.g. `{ id: In([1, 2]) }`); default every row. */
  readonly where?: FindOptionsWhere<ObjectLiteral> | FindOptionsWhere<ObjectLiteral>[];
  /** One replica queue (`cqrs.<queue>.<cqrs_id>`); default every replica (`<cqrs_id>`). */
  readonly queue?: string | null;
  /** Rows per transaction (django-cqrs `cqrs_sync -b`, default 10000; here 1000). */
  readonly batchSize?: number;
  /** Called after each batch with rows queued so far and the total matched at the start. */
  readonly onProgress?: (done: number, total: number) => void;
}

const DEFAULT_BATCH = 1_000;

/**
 * Re-sends a master's rows as SYNC (django-cqrs `cqrs_sync`), through the outbox like any change:
 * each batch reads its rows under a share lock and queues them in one transaction, so a SYNC is
 * published after every change committed before it, in per-instance order. The relay publishes them.
 */
export class SyncSender {
  constructor(private readonly registry: SyncRegistry) {}

  /** Queues SYNC for every matching row, in pk order; returns how many were queued. */
  async resync(cqrsId: string, options: ResyncOptions = {}): Promise<number> {
    const master = this.registry.master(cqrsId);
    const { metadata, pkProperty } = master.master;
    const { dataSource } = this.registry.transactions;
    const batchSize = options.batchSize ?? DEFAULT_BATCH;
    const query = () => {
      const builder = dataSource.createQueryBuilder(metadata.target, 'row');
      if (options.where) builder.where(options.where);
      return builder;
    };
    const total = await query().getCount();
    let done = 0;
    let last: unknown = undefined;
    for (;;) {
      const rows = await this.registry.transactions.run(undefined, async (manager) => {
        const builder = manager
          .createQueryBuilder(metadata.target, 'row')
          .orderBy(`row.${pkProperty}`, 'ASC')
          .limit(batchSize);
        // Bracketed, so an OR list in `where` stays apart from the keyset condition below.
        if (options.where) builder.where(new Brackets((inner) => inner.where(options.where!)));
        if (last !== undefined) builder.andWhere(`row.${pkProperty} > :last`, { last });
        if (dataSource.options.type === 'postgres') builder.setLock('pessimistic_read');
        const batch = (await builder.getMany()) as SyncedColumns[];
        await master.enqueueSync(manager, batch, options.queue ?? null);
        return batch;
      });
      if (rows.length === 0) break;
      done += rows.length;
      last = master.master.pkOf(rows[rows.length - 1]);
      options.onProgress?.(done, total);
      if (rows.length < batchSize) break;
    }
    return done;
  }
}
