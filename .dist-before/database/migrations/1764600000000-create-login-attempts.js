"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.CreateLoginAttempts1764600000000 = void 0;
const typeorm_1 = require("typeorm");
class CreateLoginAttempts1764600000000 {
    name = 'CreateLoginAttempts1764600000000';
    async up(queryRunner) {
        await queryRunner.createTable(new typeorm_1.Table({
            name: 'login_attempts',
            columns: [
                { name: 'id', type: 'varchar', length: '64', isPrimary: true },
                { name: 'attempts', type: 'integer' },
                { name: 'window_ends_at', type: 'bigint' },
            ],
        }));
        await queryRunner.createIndex('login_attempts', new typeorm_1.TableIndex({ name: 'IDX_login_attempts_window_ends_at', columnNames: ['window_ends_at'] }));
    }
    async down(queryRunner) {
        await queryRunner.dropTable('login_attempts');
    }
}
exports.CreateLoginAttempts1764600000000 = CreateLoginAttempts1764600000000;
