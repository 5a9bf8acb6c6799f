"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.runPendingMigrations = runPendingMigrations;
exports.revertLastMigration = revertLastMigration;
exports.pendingMigrationNames = pendingMigrationNames;
const MIGRATION_LOCK_KEY = 764_100_000;
async function runPendingMigrations(dataSource) {
    return withMigrationLock(dataSource, () => dataSource.runMigrations({ transaction: 'each' }));
}
async function revertLastMigration(dataSource) {
    await withMigrationLock(dataSource, () => dataSource.undoLastMigration({ transaction: 'each' }));
}
async function pendingMigrationNames(dataSource) {
    const table = dataSource.options.migrationsTableName ?? 'migrations';
    const queryRunner = dataSource.createQueryRunner();
    let rows = [];
    try {
        if (await queryRunner.hasTable(table))
            rows = (await queryRunner.query(`SELECT name FROM ${table}`));
    }
    finally {
        await queryRunner.release();
    }
    const applied = new Set(rows.map((row) => row.name));
    return dataSource.migrations
        .map((migration) => migration.name ?? migration.constructor.name)
        .filter((name) => !applied.has(name));
}
async function withMigrationLock(dataSource, work) {
    if (dataSource.options.type !== 'postgres')
        return work();
    const lockRunner = dataSource.createQueryRunner();
    await lockRunner.connect();
    try {
        await lockRunner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
        return await work();
    }
    finally {
        await lockRunner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
        await lockRunner.release();
    }
}
