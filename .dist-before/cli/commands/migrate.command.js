"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.registerMigrateCommands = registerMigrateCommands;
const data_source_1 = require("../../database/data-source");
const migrator_1 = require("../../database/migrator");
const migration_generator_1 = require("./migration-generator");
function registerMigrateCommands(program, loadSettings) {
    program
        .command('migrate')
        .description('apply every pending migration (safe to run from several replicas at once on PostgreSQL)')
        .action(async () => {
        await withDataSource(loadSettings(), async (dataSource) => {
            const applied = await (0, migrator_1.runPendingMigrations)(dataSource);
            console.log(applied.length
                ? `applied ${applied.length}: ${applied.map((m) => m.name).join(', ')}`
                : 'no pending migrations');
        });
    });
    program
        .command('migrate:revert')
        .description('revert the most recently applied migration')
        .action(async () => {
        await withDataSource(loadSettings(), async (dataSource) => {
            const pendingBefore = (await (0, migrator_1.pendingMigrationNames)(dataSource)).length;
            await (0, migrator_1.revertLastMigration)(dataSource);
            const isReverted = (await (0, migrator_1.pendingMigrationNames)(dataSource)).length > pendingBefore;
            console.log(isReverted ? 'reverted the last migration' : 'nothing to revert');
        });
    });
    program
        .command('migrate:status')
        .description('list pending migrations; exits 2 when any is pending (for scripts)')
        .action(async () => {
        await withDataSource(loadSettings(), async (dataSource) => {
            const pending = await (0, migrator_1.pendingMigrationNames)(dataSource);
            console.log(pending.length ? `pending: ${pending.join(', ')}` : 'up to date');
            if (pending.length)
                process.exitCode = 2;
        });
    });
    program
        .command('migrate:generate')
        .argument('<name>', 'what the migration does, e.g. add-item-sku')
        .option('--postgres-url <url>', 'also diff against this PostgreSQL database (default: DATABASE_URL when it is postgres)')
        .description('write a migration for the difference between the entities and the migrated schema, for SQLite and PostgreSQL')
        .action(async (name, options) => {
        const file = await (0, migration_generator_1.generateMigration)(loadSettings(), name, options.postgresUrl);
        console.log(file ? `wrote ${file}` : 'no changes: the entities match the migrations');
    });
}
async function withDataSource(settings, work) {
    const dataSource = await (0, data_source_1.createDataSource)(settings).initialize();
    try {
        await work(dataSource);
    }
    finally {
        await dataSource.destroy();
    }
}
