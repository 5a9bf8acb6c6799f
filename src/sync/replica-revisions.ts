import { DataSource } from 'typeorm';
import { InstancePk } from './cqrs-message';
import { SqlParameters } from './sql-values';
import { TABLES } from './sync.constants';

/** `[pk, cqrs_revision]`, the pair django-cqrs's diff stream carries. */
export type RevisionPair = [pk: InstancePk, revision: number];

/** The replica's revisions of some pks, and the tombstones of those it deleted. */
export interface RevisionLookup {
  readonly rows: RevisionPair[];
  readonly tombstones: RevisionPair[];
}

/** One page of every replica row in pk order; `next` is the cursor, null after the last page. */
export interface RevisionPage {
  readonly rows: RevisionPair[];
  readonly next: InstancePk | null;
  /** Rows in the table, counted on the first page only (for progress). */
  readonly total: number | null;
}

/**
 * Where a master reads a replica's (pk, revision) pairs: the replica service answering over the
 * bus (`BusReplicaRevisions`), or the replica's database read directly (`ReplicaTableReader`).
 */
export interface ReplicaRevisionSource {
  /** Names the replica in messages, e.g. `replica billing (bus)`. */
  readonly description: string;
  lookup(cqrsId: string, pks: readonly InstancePk[]): Promise<RevisionLookup>;
  page(cqrsId: string, after: InstancePk | null, limit: number): Promise<RevisionPage>;
  close(): Promise<void>;
}

/** Most pks or rows one request or page may carry (a reply stays well under a megabyte). */
export const MAX_REVISIONS_PAGE = 5_000;

/** A SQL identifier given by an operator: `table` or `schema.table`, plain words only. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}(\.[A-Za-z_][A-Za-z0-9_]{0,62})?$/;

export class InvalidIdentifierError extends Error {
  constructor(what: string, value: string) {
    super(`${what} "${value}" must be a plain SQL name (letters, digits, _; optionally schema.table)`);
    this.name = 'InvalidIdentifierError';
  }
}

/**
 * Reads (pk, cqrs_revision) from a replica table with SQL, so it serves both this template's
 * replicas (answering the bus request) and any django-cqrs replica table (a Django `ReplicaMixin`
 * model has `cqrs_revision` too) read through `--replica-database-url`. Tombstones come from
 * `sync_tombstones` when the database has it (a Django replica keeps none).
 */
export class ReplicaTableReader {
  private readonly dialect: 'postgres' | 'sqlite';
  private readonly table: string;
  private readonly pk: string;
  private hasTombstones: Promise<boolean> | null = null;

  constructor(
    private readonly dataSource: DataSource,
    table: string,
    pkColumn: string,
  ) {
    if (!IDENTIFIER.test(table)) throw new InvalidIdentifierError('table', table);
    if (!IDENTIFIER.test(pkColumn) || pkColumn.includes('.'))
      throw new InvalidIdentifierError('pk column', pkColumn);
    this.dialect = dataSource.options.type === 'postgres' ? 'postgres' : 'sqlite';
    const escape = (name: string) => dataSource.driver.escape(name);
    this.table = table.split('.').map(escape).join('.');
    this.pk = escape(pkColumn);
  }

  async lookup(cqrsId: string, pks: readonly InstancePk[]): Promise<RevisionLookup> {
    if (pks.length === 0) return { rows: [], tombstones: [] };
    const p = new SqlParameters(this.dialect);
    const found = await this.dataSource.query<{ pk: unknown; revision: unknown }[]>(
      `SELECT ${this.pk} AS pk, cqrs_revision AS revision FROM ${this.table} WHERE ${this.pk} IN (${p.list(pks)})`,
      p.values,
    );
    const rows = found.map(toPair);
    const present = new Set(rows.map(([pk]) => String(pk)));
    const absent = pks.filter((pk) => !present.has(String(pk)));
    return { rows, tombstones: await this.tombstones(cqrsId, absent) };
  }

  async page(_cqrsId: string, after: InstancePk | null, limit: number): Promise<RevisionPage> {
    const p = new SqlParameters(this.dialect);
    const where = after === null ? '' : `WHERE ${this.pk} > ${p.add(after)}`;
    const found = await this.dataSource.query<{ pk: unknown; revision: unknown }[]>(
      `SELECT ${this.pk} AS pk, cqrs_revision AS revision FROM ${this.table} ${where}
       ORDER BY ${this.pk} LIMIT ${p.add(limit)}`,
      p.values,
    );
    const rows = found.map(toPair);
    const next = rows.length < limit ? null : rows[rows.length - 1][0];
    let total: number | null = null;
    if (after === null) {
      const counted = await this.dataSource.query<{ total: unknown }[]>(
        `SELECT COUNT(*) AS total FROM ${this.table}`,
      );
      total = Number(counted[0].total);
    }
    return { rows, next, total };
  }

  private async tombstones(cqrsId: string, pks: readonly InstancePk[]): Promise<RevisionPair[]> {
    if (pks.length === 0) return [];
    this.hasTombstones ??= hasTable(this.dataSource, TABLES.tombstones);
    if (!(await this.hasTombstones)) return [];
    const p = new SqlParameters(this.dialect);
    const byText = new Map(pks.map((pk) => [String(pk), pk]));
    const found = await this.dataSource.query<{ instance_pk: string; cqrs_revision: unknown }[]>(
      `SELECT instance_pk, cqrs_revision FROM ${TABLES.tombstones}
       WHERE cqrs_id = ${p.add(cqrsId)} AND instance_pk IN (${p.list([...byText.keys()])})`,
      p.values,
    );
    return found.map((row) => [byText.get(row.instance_pk) ?? row.instance_pk, Number(row.cqrs_revision)]);
  }
}

async function hasTable(dataSource: DataSource, table: string): Promise<boolean> {
  const runner = dataSource.createQueryRunner();
  try {
    return await runner.hasTable(table);
  } finally {
    await runner.release();
  }
}

function toPair(row: { pk: unknown; revision: unknown }): RevisionPair {
  const pk = typeof row.pk === 'number' || typeof row.pk === 'string' ? row.pk : String(row.pk);
  return [pk, Number(row.revision)];
}
