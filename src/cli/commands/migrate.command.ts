import { Command } from 'commander';
import { createDataSource } from '../../database/data-source';
import { pendingMigrationNames, revertLastMigration, runPendingMigrations } from '../../database/migrator';
import { Settings } from '../../settings/settings';
import { generateMigration } from './migration-generator';

/** `migrate`, `migrate:revert`, `migrate:status`, `migrate:generate <name>`. */
export function registerMigrateCommands(program: Command, loadSettings: () => Settings): void {
  program
    .command('migrate')
    .description('apply every pending migration (safe to run from several replicas at once on PostgreSQL)')
    .action(async () => {
      await withDataSource(loadSettings(), async (dataSource) => {
        const applied = await runPendingMigrations(dataSource);
        console.log(
          applied.length
            ? `applied ${applied.length}: ${applied.map((m) => m.name).join(', ')}`
            : 'no pending migrations',
        );
      });
    });

  program
    .command('migrate:revert')
    .description('revert the most recently applied migration')
    .action(async () => {
      await withDataSource(loadSettings(), async (dataSource) => {
        const pendingBefore = (await pendingMigrationNames(dataSource)).length;
        await revertLastMigration(dataSource);
        const isReverted = (await pendingMigrationNames(dataSource)).length > pendingBefore;
        console.log(isReverted ? 'reverted the last migration' : 'nothing to revert');
      });
    });

  program
    .command('migrate:status')
    .description('list pending migrations; exits 2 when any is pending (for scripts)')
    .action(async () => {
      await withDataSource(loadSettings(), async (dataSource) => {
        const pending = await pendingMigrationNames(dataSource);
        console.log(pending.length ? `pending: ${pending.join(', ')}` : 'up to date');
        if (pending.length) process.exitCode = 2;
      });
    });

  program
    .command('migrate:generate')
    .argument('<name>', 'what the migration does, e.g. add-item-sku')
    .option(
      '--postgres-url <url>',
      'also diff against this PostgreSQL database (default: DATABASE_URL when it is postgres)',
    )
    .description(
      'write a migration for the difference between the entities and the migrated schema, for SQLite and PostgreSQL',
    )
    .action(async (name: string, options: { postgresUrl?: string }) => {
      const file = await generateMigration(loadSettings(), name, options.postgresUrl);
      console.log(file ? `wrote ${file}` : 'no changes: the entities match the migrations');
    });
}

async function withDataSource(
  settings: Settings,
  work: (dataSource: ReturnType<typeof createDataSource>) => Promise<void>,
) {
  const dataSource = await createDataSource(settings).initialize();
  try {
    await work(dataSource);
  } finally {
    await dataSource.destroy();
  }
}
