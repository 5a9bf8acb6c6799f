import { FindOptionsWhere, In } from 'typeorm';
import { InstancePk } from './cqrs-message';
import { ResolvedMaster } from './master.definition';
import { SyncTransactions } from './sync-transactions';
import { SyncedColumns } from './synced-columns';

export type MasterWhere = FindOptionsWhere<SyncedColumns> | FindOptionsWhere<SyncedColumns>[];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INTEGER = /^-?\d+$/;
const NUMERIC_TYPES = new Set<unknown>([Number, 'integer', 'int', 'int4', 'int8', 'bigint', 'smallint']);

/**
 * Reads a master's rows for the diff tools: in pk order, a page at a time (keyset, so a page
 * costs the same at the end of the table as at the start), without locks (a diff is a snapshot).
 */
export class MasterRows {
  constructor(
    private readonly master: ResolvedMaster,
    private readonly transactions: SyncTransactions,
  ) {}

  count(where?: MasterWhere): Promise<number> {
    const builder = this.transactions.dataSource.createQueryBuilder(this.master.metadata.target, 'row');
    if (where) builder.where(where);
    return builder.getCount();
  }

  /**
   * Pages of at most `pageSize` rows; rows that do not sync (`shouldSync`) are left out of
   * `rows` but counted in `scanned`.
   */
  async *pages(
    where: MasterWhere | undefined,
    pageSize: number,
  ): AsyncGenerator<{ rows: SyncedColumns[]; scanned: number }> {
    const { metadata, pkProperty } = this.master;
    let last: unknown = undefined;
    for (;;) {
      const builder = this.transactions.dataSource
        .createQueryBuilder(metadata.target, 'row')
        .orderBy(`row.${pkProperty}`, 'ASC')
        .take(pageSize);
      if (where) builder.where(where);
      if (last !== undefined) builder.andWhere(`row.${pkProperty} > :last`, { last });
      const rows = (await builder.getMany()) as SyncedColumns[];
      if (rows.length === 0) return;
      last = this.master.pkOf(rows[rows.length - 1]);
      yield { rows: rows.filter((row) => this.master.shouldSync(row)), scanned: rows.length };
      if (rows.length < pageSize) return;
    }
  }

  /** Which of `pks` (as a replica or a pipe sent them) exist on the master, by their text. */
  async existing(pks: readonly InstancePk[]): Promise<Set<string>> {
    const values = pks.map((pk) => this.toMasterPk(pk)).filter((pk) => pk !== null);
    if (values.length === 0) return new Set();
    const { metadata, pkProperty } = this.master;
    const rows = (await this.transactions.dataSource.manager.find(metadata.target, {
      select: { [pkProperty]: true },
      where: { [pkProperty]: In(values) },
    })) as SyncedColumns[];
    return new Set(rows.map((row) => String(this.master.instancePkOf(row))));
  }

  /**
   * A pk from elsewhere in the master's own type: a replica may keep text where the master has
   * integers. Null when it cannot be one of the master's pks (so it is certainly absent), which
   * also keeps PostgreSQL from refusing the whole query over one malformed uuid.
   */
  toMasterPk(pk: InstancePk): InstancePk | null {
    const column = this.master.metadata.primaryColumns[0];
    if (NUMERIC_TYPES.has(column.type)) {
      if (typeof pk === 'number') return pk;
      return INTEGER.test(pk) ? Number(pk) : null;
    }
    if (column.type === 'uuid') return UUID.test(String(pk)) ? String(pk) : null;
    return String(pk);
  }
}
