"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.CreateSyncTables1764300000000 = void 0;
const typeorm_1 = require("typeorm");
const portable_types_1 = require("./portable-types");
const PARTITIONS = 16;
class CreateSyncTables1764300000000 {
    name = 'CreateSyncTables1764300000000';
    async up(queryRunner) {
        const type = (0, portable_types_1.portableTypes)(queryRunner);
        const isPostgres = queryRunner.connection.options.type === 'postgres';
        await queryRunner.createTable(new typeorm_1.Table({
            name: 'sync_outbox',
            columns: [
                isPostgres
                    ? {
                        name: 'id',
                        type: 'bigint',
                        isPrimary: true,
                        isGenerated: true,
                        generationStrategy: 'increment',
                    }
                    : {
                        name: 'id',
                        type: 'integer',
                        isPrimary: true,
                        isGenerated: true,
                        generationStrategy: 'increment',
                    },
                { name: 'cqrs_id', type: 'varchar', length: '200' },
                { name: 'instance_pk', type: 'varchar', length: '255' },
                { name: 'signal_type', type: 'varchar', length: '10' },
                { name: 'routing_key', type: 'varchar', length: '255' },
                { name: 'partition', type: 'integer' },
                { name: 'payload', type: 'text' },
                { name: 'ttl_seconds', type: 'integer', isNullable: true },
                { name: 'created_at', type: type.timestamp, default: type.now },
                { name: 'sent_at', type: type.timestamp, isNullable: true },
            ],
        }));
        await queryRunner.createIndex('sync_outbox', new typeorm_1.TableIndex({
            name: 'IDX_sync_outbox_pending',
            columnNames: ['partition', 'id'],
            where: 'sent_at IS NULL',
        }));
        await queryRunner.createIndex('sync_outbox', new typeorm_1.TableIndex({ name: 'IDX_sync_outbox_sent_at', columnNames: ['sent_at'] }));
        await queryRunner.createTable(new typeorm_1.Table({
            name: 'sync_inbox',
            columns: [
                { name: 'cqrs_id', type: 'varchar', length: '200', isPrimary: true },
                { name: 'instance_pk', type: 'varchar', length: '255', isPrimary: true },
                { name: 'signal_type', type: 'varchar', length: '10', isPrimary: true },
                { name: 'cqrs_revision', type: 'integer', isPrimary: true },
                { name: 'applied_at', type: type.timestamp, default: type.now },
            ],
        }));
        await queryRunner.createIndex('sync_inbox', new typeorm_1.TableIndex({ name: 'IDX_sync_inbox_applied_at', columnNames: ['applied_at'] }));
        await queryRunner.createTable(new typeorm_1.Table({
            name: 'sync_tombstones',
            columns: [
                { name: 'cqrs_id', type: 'varchar', length: '200', isPrimary: true },
                { name: 'instance_pk', type: 'varchar', length: '255', isPrimary: true },
                { name: 'cqrs_revision', type: 'integer' },
                { name: 'deleted_at', type: type.timestamp, default: type.now },
            ],
        }));
        await queryRunner.createIndex('sync_tombstones', new typeorm_1.TableIndex({ name: 'IDX_sync_tombstones_deleted_at', columnNames: ['deleted_at'] }));
        await queryRunner.createTable(new typeorm_1.Table({
            name: 'sync_relay_partitions',
            columns: [{ name: 'id', type: 'integer', isPrimary: true }],
        }));
        const values = Array.from({ length: PARTITIONS }, (_, i) => `(${i})`).join(', ');
        await queryRunner.query(`INSERT INTO sync_relay_partitions (id) VALUES ${values}`);
        if (isPostgres) {
            await queryRunner.query(`
        CREATE FUNCTION sync_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_notify('sync_outbox', ''); RETURN NULL; END $$`);
            await queryRunner.query(`
        CREATE TRIGGER sync_outbox_notify AFTER INSERT ON sync_outbox
        FOR EACH STATEMENT EXECUTE FUNCTION sync_outbox_notify()`);
        }
    }
    async down(queryRunner) {
        if (queryRunner.connection.options.type === 'postgres') {
            await queryRunner.query('DROP TRIGGER IF EXISTS sync_outbox_notify ON sync_outbox');
            await queryRunner.query('DROP FUNCTION IF EXISTS sync_outbox_notify()');
        }
        await queryRunner.dropTable('sync_relay_partitions');
        await queryRunner.dropTable('sync_tombstones');
        await queryRunner.dropTable('sync_inbox');
        await queryRunner.dropTable('sync_outbox');
    }
}
exports.CreateSyncTables1764300000000 = CreateSyncTables1764300000000;
