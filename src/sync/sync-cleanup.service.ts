import { DataSource } from 'typeorm';
import { SyncSettings } from '../settings/sync.schema';
import { SqlParameters } from './sql-values';
import { TABLES } from './sync.constants';

export type CleanupTable = 'outbox' | 'inbox' | 'tombstones';

export interface PruneResult {
  /** Rows deleted per table. */
  readonly deleted: Readonly<Record<CleanupTable, number>>;
  /** The cut-off used per table (older rows went); null = the table was left alone. */
  readonly cutoffs: Readonly<Record<CleanupTable, Date | null>>;
  /** Inbox rows and tombstones are kept at least this long (null = forever), whatever was asked. */
  readonly minimumRetentionMs: number | null;
}

export interface PruneOptions {
  /** After each chunk: the table, rows deleted from it so far, rows to delete from it. */
  readonly onProgress?: (table: CleanupTable, done: number, total: number) => void;
}

/** Rows per DELETE: short transactions, so a running app's writes never wait long behind one. */
const CHUNK = 5_000;

interface TableRule {
  readonly table: string;
  readonly column: string;
  /** How a row is named in the chunked DELETE's subquery. */
  readonly rowIdPg: string;
}

const RULES: Record<CleanupTable, TableRule> = {
  // Only rows the relay marked sent: a pending row (sent_at NULL) is never older than anything.
  outbox: { table: TABLES.outbox, column: 'sent_at', rowIdPg: 'id' },
  inbox: { table: TABLES.inbox, column: 'applied_at', rowIdPg: 'ctid' },
  tombstones: { table: TABLES.tombstones, column: 'deleted_at', rowIdPg: 'ctid' },
};

/**
 * Prunes data sync's bookkeeping (`sync:cleanup` runs it now; the jobs feature schedules
 * `prune(olderThanMs)`): sent outbox rows, inbox rows and tombstones older than the window.
 *
 * Inbox rows and tombstones are kept at least `SYNC_MESSAGE_TTL` + the retry budget
 * (`SYNC_MAX_RETRIES` × `SYNC_RETRY_DELAY`) whatever window is asked for: until then a late or
 * redelivered SAVE of a deleted row can still arrive (a message is applied until its `expires`,
 * checked again before each retry, and the budget covers a retry in flight and clock skew), and
 * only the tombstone stops it from bringing the row back; the inbox is what makes a redelivered
 * event a no-op. With `SYNC_MESSAGE_TTL=none` messages never expire, so neither is ever pruned.
 */
export class SyncCleanup {
  private readonly dialect: 'postgres' | 'sqlite';

  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: Pick<SyncSettings, 'messageTtlSeconds' | 'maxRetries' | 'retryDelayMs'>,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.dialect = dataSource.options.type === 'postgres' ? 'postgres' : 'sqlite';
  }

  /** How long inbox rows and tombstones must live; null = forever (messages never expire). */
  get minimumRetentionMs(): number | null {
    const { messageTtlSeconds, maxRetries, retryDelayMs } = this.settings;
    if (messageTtlSeconds === null) return null;
    // Retrying forever is still bounded by `expires`, which is re-checked before every attempt.
    return messageTtlSeconds * 1000 + (maxRetries ?? 0) * retryDelayMs;
  }

  async prune(olderThanMs: number, options: PruneOptions = {}): Promise<PruneResult> {
    if (!Number.isFinite(olderThanMs) || olderThanMs < 0)
      throw new RangeError('olderThanMs must be a duration of 0 or more milliseconds');
    const now = this.now().getTime();
    const minimum = this.minimumRetentionMs;
    const kept = minimum === null ? null : new Date(now - Math.max(olderThanMs, minimum));
    const cutoffs: Record<CleanupTable, Date | null> = {
      outbox: new Date(now - olderThanMs),
      inbox: kept,
      tombstones: kept,
    };
    const deleted: Record<CleanupTable, number> = { outbox: 0, inbox: 0, tombstones: 0 };
    for (const table of Object.keys(RULES) as CleanupTable[]) {
      const cutoff = cutoffs[table];
      if (cutoff !== null) deleted[table] = await this.pruneTable(table, cutoff, options.onProgress);
    }
    return { deleted, cutoffs, minimumRetentionMs: minimum };
  }

  private async pruneTable(
    table: CleanupTable,
    cutoff: Date,
    onProgress: PruneOptions['onProgress'],
  ): Promise<number> {
    const rule = RULES[table];
    const count = new SqlParameters(this.dialect);
    const [{ total }] = await this.dataSource.query<{ total: unknown }[]>(
      `SELECT COUNT(*) AS total FROM ${rule.table} WHERE ${rule.column} < ${count.add(cutoff)}`,
      count.values,
    );
    const expected = Number(total);
    let done = 0;
    onProgress?.(table, 0, expected);
    for (;;) {
      const p = new SqlParameters(this.dialect);
      const before = p.add(cutoff);
      const limit = p.add(CHUNK);
      const chunk = (rowId: string) =>
        `SELECT ${rowId} FROM ${rule.table} WHERE ${rule.column} < ${before} LIMIT ${limit}`;
      // `= ANY(ARRAY(…))` lets PostgreSQL fetch the chunk's rows by ctid (a TID scan).
      const sql =
        this.dialect === 'postgres'
          ? `DELETE FROM ${rule.table} WHERE ${rule.rowIdPg} = ANY(ARRAY(${chunk(rule.rowIdPg)}))`
          : `DELETE FROM ${rule.table} WHERE rowid IN (${chunk('rowid')})`;
      const removed = await this.deleteChunk(sql, p.values);
      done += removed;
      onProgress?.(table, done, Math.max(expected, done));
      if (removed < CHUNK) return done;
    }
  }

  /** Runs one DELETE (its own transaction) and returns how many rows it removed. */
  private async deleteChunk(sql: string, values: unknown[]): Promise<number> {
    const runner = this.dataSource.createQueryRunner();
    try {
      const result = await runner.query(sql, values, true);
      return result.affected ?? 0;
    } finally {
      await runner.release();
    }
  }
}
