import { Client } from 'pg';

/** One side of the comparison: a PostgreSQL database and the table that holds the entity. */
export interface SyncedTable {
  readonly url: string;
  readonly table: string;
  /** The primary key column (default `id`). */
  readonly pkColumn?: string;
}

/** An instance whose revision differs, or that exists on one side only (revision null there). */
export interface SyncDifference {
  readonly pk: string;
  readonly masterRevision: number | null;
  readonly replicaRevision: number | null;
}

/**
 * Master against replica by pk and `cqrs_revision`, read straight from both tables: what
 * `sync:diff` reports, for the fault tests until the CLI's SyncDiff service lands (swap this one
 * call for it then). Empty = the replica holds exactly the master's rows at the master's revisions.
 */
export async function diffSyncedTables(master: SyncedTable, replica: SyncedTable): Promise<SyncDifference[]> {
  const [masterRows, replicaRows] = await Promise.all([revisionsOf(master), revisionsOf(replica)]);
  const differences: SyncDifference[] = [];
  for (const [pk, revision] of masterRows) {
    const copy = replicaRows.get(pk) ?? null;
    if (copy !== revision) differences.push({ pk, masterRevision: revision, replicaRevision: copy });
  }
  for (const [pk, revision] of replicaRows)
    if (!masterRows.has(pk)) differences.push({ pk, masterRevision: null, replicaRevision: revision });
  return differences;
}

async function revisionsOf(side: SyncedTable): Promise<Map<string, number>> {
  const client = new Client({ connectionString: side.url });
  await client.connect();
  try {
    const pk = quoted(side.pkColumn ?? 'id');
    const { rows } = await client.query<{ pk: string; revision: number }>(
      `SELECT ${pk}::text AS pk, cqrs_revision AS revision FROM ${quoted(side.table)}`,
    );
    return new Map(rows.map((row) => [row.pk, Number(row.revision)]));
  } finally {
    await client.end();
  }
}

function quoted(identifier: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(identifier)) throw new Error(`not a plain identifier: ${identifier}`);
  return `"${identifier}"`;
}
