import { EntityManager, FindOptionsWhere, In } from 'typeorm';
import { SignalType } from './cqrs-message';
import { ResolvedReplica } from './replica.resolved';
import { Dialect, insertsByUnnest, SqlParameters } from './sql-values';
import { TABLES } from './sync.constants';
import { SyncedColumns } from './synced-columns';

/** One event of a batch as the state loader needs it; the batch never holds a key twice. */
export interface BatchEntry {
  readonly replica: ResolvedReplica;
  readonly pk: string | number;
  /** Recorded in the inbox under this signal and revision; null = not recorded (SYNC, DELETE without revision). */
  readonly inbox: { readonly signal: SignalType; readonly revision: number } | null;
}

/**
 * What the applier decides on, read for a whole batch in a handful of statements instead of a
 * handful per event: every instance locked (PostgreSQL), every inbox row recorded (one multi-row
 * INSERT), the tombstones and the current rows (one SELECT each per `cqrs_id`).
 */
export class ReplicaBatchState {
  private constructor(
    private readonly recorded: ReadonlySet<string>,
    private readonly tombstones: ReadonlyMap<string, number>,
    private readonly rows: ReadonlyMap<string, SyncedColumns>,
  ) {}

  static async load(
    manager: EntityManager,
    entries: readonly BatchEntry[],
    lock: { mode: 'pessimistic_write' } | undefined,
  ): Promise<ReplicaBatchState> {
    const dialect: Dialect = manager.connection.options.type === 'postgres' ? 'postgres' : 'sqlite';
    if (dialect === 'postgres')
      await lockInstances(
        manager,
        entries.map((entry) => ({ cqrsId: entry.replica.cqrsId, pk: entry.pk })),
      );
    const recorded = await recordInInbox(manager, dialect, entries);
    const tombstones = new Map<string, number>();
    const rows = new Map<string, SyncedColumns>();
    for (const group of byCqrsId(entries).values()) {
      const { replica } = group[0];
      const pks = group.map((entry) => entry.pk);
      const p = new SqlParameters(dialect);
      const found = await manager.query<{ instance_pk: string; cqrs_revision: number | string }[]>(
        `SELECT instance_pk, cqrs_revision FROM ${TABLES.tombstones}
         WHERE cqrs_id = ${p.add(replica.cqrsId)} AND instance_pk IN (${p.list(pks.map(String))})`,
        p.values,
      );
      for (const row of found)
        tombstones.set(keyOf(replica.cqrsId, row.instance_pk), Number(row.cqrs_revision));
      const where = { [replica.pkProperty]: In(pks) } as FindOptionsWhere<SyncedColumns>;
      const current = await manager.find(replica.entity, { where, lock });
      for (const row of current)
        rows.set(keyOf(replica.cqrsId, (row as unknown as Record<string, unknown>)[replica.pkProperty]), row);
    }
    return new ReplicaBatchState(recorded, tombstones, rows);
  }

  /** Whether this event's inbox row was written now (false: it was there, a duplicate). */
  isNewInInbox(entry: BatchEntry): boolean {
    return this.recorded.has(keyOf(entry.replica.cqrsId, entry.pk));
  }

  tombstoneRevision(entry: BatchEntry): number | null {
    return this.tombstones.get(keyOf(entry.replica.cqrsId, entry.pk)) ?? null;
  }

  row(entry: BatchEntry): SyncedColumns | null {
    return this.rows.get(keyOf(entry.replica.cqrsId, entry.pk)) ?? null;
  }
}

function keyOf(cqrsId: string, pk: unknown): string {
  return `${cqrsId}\u0000${String(pk)}`;
}

function byCqrsId(entries: readonly BatchEntry[]): Map<string, BatchEntry[]> {
  const groups = new Map<string, BatchEntry[]>();
  for (const entry of entries) {
    const group = groups.get(entry.replica.cqrsId);
    if (group) group.push(entry);
    else groups.set(entry.replica.cqrsId, [entry]);
  }
  return groups;
}

/**
 * Serializes every write to these instances across processes until the transaction ends: a
 * PostgreSQL advisory lock per instance (it also covers an instance with no row to lock yet),
 * all in one statement and in hash order, so two transactions sharing instances cannot deadlock.
 */
export async function lockInstances(
  manager: EntityManager,
  instances: readonly { readonly cqrsId: string; readonly pk: string | number }[],
): Promise<void> {
  if (instances.length === 0) return;
  const keys = instances.map(({ cqrsId, pk }) => `sync:${cqrsId}:${String(pk)}`);
  await manager.query(
    `SELECT pg_advisory_xact_lock(h) FROM (
       SELECT DISTINCT hashtext(k) AS h FROM unnest($1::text[]) AS k ORDER BY h) AS locks`,
    [keys],
  );
}

/** One multi-row INSERT … ON CONFLICT DO NOTHING; the rows it returns are the new ones. */
async function recordInInbox(
  manager: EntityManager,
  dialect: Dialect,
  entries: readonly BatchEntry[],
): Promise<Set<string>> {
  const recorded = new Set<string>();
  const toRecord = entries.filter((entry) => entry.inbox !== null);
  if (toRecord.length === 0) return recorded;
  const now = new Date();
  const [sql, values] = insertsByUnnest(dialect, toRecord.length)
    ? inboxUnnest(toRecord, now)
    : inboxValues(toRecord, now, dialect);
  const rows = await manager.query<{ cqrs_id: string; instance_pk: string }[]>(
    `INSERT INTO ${TABLES.inbox} (cqrs_id, instance_pk, signal_type, cqrs_revision, applied_at)
     ${sql} ON CONFLICT DO NOTHING RETURNING cqrs_id, instance_pk`,
    values,
  );
  for (const row of rows) recorded.add(keyOf(row.cqrs_id, row.instance_pk));
  return recorded;
}

/** An array per column (PostgreSQL parses and plans it for less than a VALUES list of them all). */
function inboxUnnest(entries: readonly BatchEntry[], now: Date): [string, unknown[]] {
  return [
    `SELECT c, k, s, r, $5::timestamp FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::int[]) AS t(c, k, s, r)`,
    [
      entries.map((entry) => entry.replica.cqrsId),
      entries.map((entry) => String(entry.pk)),
      entries.map((entry) => entry.inbox!.signal),
      entries.map((entry) => entry.inbox!.revision),
      now,
    ],
  ];
}

function inboxValues(entries: readonly BatchEntry[], now: Date, dialect: Dialect): [string, unknown[]] {
  const p = new SqlParameters(dialect);
  const values = entries.map(
    (entry) =>
      `(${p.list([entry.replica.cqrsId, String(entry.pk), entry.inbox!.signal, entry.inbox!.revision, now])})`,
  );
  return [`VALUES ${values.join(', ')}`, p.values];
}
