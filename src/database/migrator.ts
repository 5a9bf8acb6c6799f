import { DataSource, Migration } from 'typeorm';

// Any constant works; it only has to be the same in every replica of every version.
const MIGRATION_LOCK_KEY = 764_100_000;

/**
 * Applies pending migrations. On PostgreSQL replicas that start together wait for each other
 * on an advisory lock instead of racing to create the same table; SQLite is single-process.
 */
export async function runPendingMigrations(dataSource: DataSource): Promise<Migration[]> {
  return withMigrationLock(dataSource, () => dataSource.runMigrations({ transaction: 'each' }));
}

export async function revertLastMigration(dataSource: DataSource): Promise<void> {
  await withMigrationLock(dataSource, () => dataSource.undoLastMigration({ transaction: 'each' }));
}

/** Names of migrations that are listed in the code but not yet applied. */
export async function pendingMigrationNames(dataSource: DataSource): Promise<string[]> {
  const table = dataSource.options.migrationsTableName ?? 'migrations';
  const queryRunner = dataSource.createQueryRunner();
  let rows: { name: string }[] = [];
  try {
    if (await queryRunner.hasTable(table))
      rows = (await queryRunner.query(`SELECT name FROM ${table}`)) as { name: string }[];
  } finally {
    await queryRunner.release();
  }
  const applied = new Set(rows.map((row) => row.name));
  return dataSource.migrations
    .map((migration) => migration.name ?? migration.constructor.name)
    .filter((name) => !applied.has(name));
}

async function withMigrationLock<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  if (dataSource.options.type !== 'postgres') return work();
  const lockRunner = dataSource.createQueryRunner();
  await lockRunner.connect();
  try {
    await lockRunner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    return await work();
  } finally {
    await lockRunner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lockRunner.release();
  }
}
