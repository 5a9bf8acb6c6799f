"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.CreateUsers1764200000000 = void 0;
const typeorm_1 = require("typeorm");
const portable_types_1 = require("./portable-types");
class CreateUsers1764200000000 {
    name = 'CreateUsers1764200000000';
    async up(queryRunner) {
        const type = (0, portable_types_1.portableTypes)(queryRunner);
        await queryRunner.createTable(new typeorm_1.Table({
            name: 'users',
            columns: [
                { name: 'id', type: type.uuid, isPrimary: true },
                { name: 'username', type: 'varchar', length: '150' },
                { name: 'password_hash', type: 'varchar', length: '255' },
                { name: 'is_active', type: 'boolean', default: type.true },
                { name: 'roles', type: 'varchar', length: '1000', default: "''" },
                { name: 'created_at', type: type.timestamp, default: type.now },
            ],
        }));
        await queryRunner.createIndex('users', new typeorm_1.TableIndex({ name: 'UQ_users_username', columnNames: ['username'], isUnique: true }));
        await queryRunner.createTable(new typeorm_1.Table({
            name: 'refresh_tokens',
            columns: [
                { name: 'jti', type: 'varchar', length: '64', isPrimary: true },
                { name: 'family_id', type: 'varchar', length: '64' },
                { name: 'user_id', type: type.uuid },
                { name: 'expires_at', type: type.timestamp },
                { name: 'used_at', type: type.timestamp, isNullable: true },
                { name: 'replaced_by', type: 'varchar', length: '64', isNullable: true },
                { name: 'revoked_at', type: type.timestamp, isNullable: true },
                { name: 'created_at', type: type.timestamp, default: type.now },
            ],
        }));
        await queryRunner.createIndex('refresh_tokens', new typeorm_1.TableIndex({ name: 'IDX_refresh_tokens_family_id', columnNames: ['family_id'] }));
        await queryRunner.createIndex('refresh_tokens', new typeorm_1.TableIndex({ name: 'IDX_refresh_tokens_user_id', columnNames: ['user_id'] }));
        await queryRunner.createForeignKey('refresh_tokens', new typeorm_1.TableForeignKey({
            columnNames: ['user_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
        }));
    }
    async down(queryRunner) {
        await queryRunner.dropTable('refresh_tokens');
        await queryRunner.dropTable('users');
    }
}
exports.CreateUsers1764200000000 = CreateUsers1764200000000;
