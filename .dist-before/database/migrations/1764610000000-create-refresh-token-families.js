"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.CreateRefreshTokenFamilies1764610000000 = void 0;
const typeorm_1 = require("typeorm");
const portable_types_1 = require("./portable-types");
class CreateRefreshTokenFamilies1764610000000 {
    name = 'CreateRefreshTokenFamilies1764610000000';
    async up(queryRunner) {
        const type = (0, portable_types_1.portableTypes)(queryRunner);
        await queryRunner.createTable(new typeorm_1.Table({
            name: 'refresh_token_families',
            columns: [
                { name: 'family_id', type: 'varchar', length: '64', isPrimary: true },
                { name: 'user_id', type: type.uuid },
                { name: 'expires_at', type: type.timestamp },
                { name: 'revoked_at', type: type.timestamp, isNullable: true },
                { name: 'created_at', type: type.timestamp, default: type.now },
            ],
        }));
        await queryRunner.createIndex('refresh_token_families', new typeorm_1.TableIndex({ name: 'IDX_refresh_token_families_user_id', columnNames: ['user_id'] }));
        await queryRunner.createForeignKey('refresh_token_families', new typeorm_1.TableForeignKey({
            columnNames: ['user_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
        }));
        await queryRunner.query(`INSERT INTO refresh_token_families (family_id, user_id, expires_at, revoked_at, created_at)
       SELECT family_id, user_id, MAX(expires_at), MAX(revoked_at), MIN(created_at)
       FROM refresh_tokens GROUP BY family_id, user_id`);
    }
    async down(queryRunner) {
        await queryRunner.dropTable('refresh_token_families');
    }
}
exports.CreateRefreshTokenFamilies1764610000000 = CreateRefreshTokenFamilies1764610000000;
