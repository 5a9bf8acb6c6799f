import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Client } from 'pg';

/** Where the run's PostgreSQL database is; set by global-setup.ts. */
export const POSTGRES_URL_VARIABLE = 'TEST_POSTGRES_URL';
export const POSTGRES_SERVER_URL =
  process.env.TEST_POSTGRES_SERVER ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  readonly name: 'sqlite' | 'postgres';
  /** A DATABASE_URL; SQLite gets a fresh file each call. */
  url(): string;
}

const sqlite: TestDatabase = {
  name: 'sqlite',
  url: () => `sqlite:///${join(mkdtempSync(join(tmpdir(), 'm8e-test-')), 'db.sqlite3')}`,
};

/** A fresh SQLite file database (e.g. for a second service beside a suite's PostgreSQL one). */
export function sqliteDatabase(): TestDatabase {
  return sqlite;
}

/**
 * The databases an e2e suite runs against. PostgreSQL joins when global setup reached it;
 * otherwise the suite says so loudly (and global setup already failed the run if CI=true).
 */
export function testDatabases(): TestDatabase[] {
  const postgresUrl = process.env[POSTGRES_URL_VARIABLE];
  if (postgresUrl) assertTestDatabase(postgresUrl);
  if (!postgresUrl) {
    console.warn('PostgreSQL unreachable: e2e runs on SQLite only (under CI=true this fails the run)');
    return [sqlite];
  }
  return [sqlite, { name: 'postgres', url: () => postgresUrl }];
}

/** Empties the given tables between tests, on whichever database the URL names. */
export async function truncateTables(databaseUrl: string, tables: readonly string[]): Promise<void> {
  if (databaseUrl.startsWith('sqlite:///'))
    return deleteSqliteRows(databaseUrl.slice('sqlite:///'.length), tables);
  assertTestDatabase(databaseUrl);
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const existing = await client.query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename = ANY($1)",
      [tables],
    );
    if (existing.rows.length === 0) return;
    await client.query(`TRUNCATE ${existing.rows.map((row) => `"${row.tablename}"`).join(', ')} CASCADE`);
  } finally {
    await client.end();
  }
}

/** A suite's app keeps its SQLite file open across tests; the rows go, the file stays. */
function deleteSqliteRows(path: string, tables: readonly string[]): void {
  const db = new Database(path);
  try {
    for (const table of tables) {
      const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table);
      if (exists) db.prepare(`DELETE FROM "${table}"`).run();
    }
  } finally {
    db.close();
  }
}

/**
 * A PostgreSQL database of its own on the test server (for suites that must not share the run's
 * database, e.g. fixed usernames, and for the benchmarks); `drop()` removes it.
 */
export async function createScratchDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `test_${prefix}_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const url = new URL(POSTGRES_SERVER_URL);
  url.pathname = `/${name}`;
  assertTestDatabase(url.toString());
  const onServer = async (work: (admin: Client) => Promise<unknown>): Promise<void> => {
    const admin = new Client({ connectionString: POSTGRES_SERVER_URL, connectionTimeoutMillis: 3000 });
    await admin.connect();
    try {
      await work(admin);
    } finally {
      await admin.end();
    }
  };
  await onServer((admin) => admin.query(`CREATE DATABASE "${name}"`));
  return {
    url: url.toString(),
    drop: () =>
      onServer(async (admin) => {
        await backendsClosed(admin, name);
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      }),
  };
}

/**
 * pg-pool's end() (TypeORM's destroy()) resolves once its clients are told to end, not once they
 * have: a DROP ... WITH (FORCE) right after it terminated the backends still closing, and each
 * client's pool logged "terminating connection due to administrator command". Waits (≤ 2 s).
 */
async function backendsClosed(admin: Client, database: string): Promise<void> {
  const deadline = Date.now() + 2000;
  while (Date.now() < deadline) {
    const { rows } = await admin.query<{ count: string }>(
      'SELECT count(*) AS count FROM pg_stat_activity WHERE datname = $1',
      [database],
    );
    if (Number(rows[0].count) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Refuses to touch any database whose name does not say it is for tests. */
export function assertTestDatabase(url: string): void {
  const name = new URL(url).pathname.slice(1);
  if (!name.includes('test'))
    throw new Error(`refusing to use database "${name}": its name must contain "test"`);
}
