/** Small dialect differences of the sync tables' hand-written SQL (PostgreSQL and SQLite). */

export type Dialect = 'postgres' | 'sqlite';

/** Numbered (`$1`) or positional (`?`) placeholders, collected with their values. */
export class SqlParameters {
  readonly values: unknown[] = [];

  constructor(private readonly dialect: Dialect) {}

  add(value: unknown): string {
    this.values.push(this.dialect === 'sqlite' ? toSqlite(value) : value);
    return this.dialect === 'postgres' ? `$${this.values.length}` : '?';
  }

  list(values: readonly unknown[]): string {
    return values.map((value) => this.add(value)).join(', ');
  }
}

/**
 * SQLite keeps timestamps as text; TypeORM writes `YYYY-MM-DD HH:MM:SS.SSS` (UTC), and the sync
 * tables use the same form so that comparisons on the text are comparisons in time.
 */
export function sqliteTimestamp(date: Date): string {
  return date.toISOString().replace('T', ' ').slice(0, 23);
}

/** A timestamp column read back: a Date from pg, text (UTC, no zone) from SQLite. */
export function readTimestamp(value: unknown): Date {
  if (value instanceof Date) return value;
  const text = String(value);
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`);
}

function toSqlite(value: unknown): unknown {
  if (value instanceof Date) return sqliteTimestamp(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

/**
 * Rows from which a multi-row INSERT on PostgreSQL goes as `INSERT … SELECT FROM unnest(one
 * array per column)` rather than a VALUES list. Below it the VALUES list is cheaper: one row
 * cost PostgreSQL 750–860 µs of CPU per transaction by VALUES against 890–1,110 by unnest, ten
 * rows about the same, a hundred 67–83 µs per row by VALUES against 50–62 by unnest (measured
 * here, alternated runs of the sync API's createMany).
 */
const UNNEST_MIN_ROWS = 10;

/**
 * Whether a multi-row INSERT of `rows` rows goes by `unnest` (PostgreSQL, from UNNEST_MIN_ROWS
 * rows) rather than a VALUES list: the one place the sync tables and entity inserts decide it.
 */
export function insertsByUnnest(dialect: Dialect, rows: number): boolean {
  return dialect === 'postgres' && rows >= UNNEST_MIN_ROWS;
}
