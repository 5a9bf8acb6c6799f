"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.AddSyncColumns1764300000001 = void 0;
const typeorm_1 = require("typeorm");
const portable_types_1 = require("./portable-types");
class AddSyncColumns1764300000001 {
    name = 'AddSyncColumns1764300000001';
    async up(queryRunner) {
        const type = (0, portable_types_1.portableTypes)(queryRunner);
        for (const table of ['items', 'users'])
            await queryRunner.addColumns(table, syncColumns(queryRunner));
        await queryRunner.createTable(new typeorm_1.Table({
            name: 'synced_users',
            columns: [
                { name: 'id', type: 'varchar', length: '64', isPrimary: true },
                { name: 'username', type: 'varchar', length: '150' },
                { name: 'is_active', type: 'boolean', default: type.true },
                { name: 'roles', type: 'varchar', length: '1000', default: "''" },
                { name: 'date_joined', type: type.timestamp, isNullable: true },
                ...syncColumns(queryRunner),
            ],
        }));
    }
    async down(queryRunner) {
        await queryRunner.dropTable('synced_users');
        for (const table of ['users', 'items']) {
            await queryRunner.dropColumn(table, 'cqrs_updated');
            await queryRunner.dropColumn(table, 'cqrs_revision');
        }
    }
}
exports.AddSyncColumns1764300000001 = AddSyncColumns1764300000001;
function syncColumns(queryRunner) {
    const type = (0, portable_types_1.portableTypes)(queryRunner);
    const isPostgres = queryRunner.connection.options.type === 'postgres';
    return [
        new typeorm_1.TableColumn({ name: 'cqrs_revision', type: 'integer', default: 0 }),
        new typeorm_1.TableColumn({
            name: 'cqrs_updated',
            type: type.timestamp,
            default: isPostgres ? 'now()' : 'CURRENT_TIMESTAMP',
        }),
    ];
}
