"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.IndexRefreshTokenExpiry1764710000000 = void 0;
const typeorm_1 = require("typeorm");
class IndexRefreshTokenExpiry1764710000000 {
    name = 'IndexRefreshTokenExpiry1764710000000';
    async up(queryRunner) {
        await queryRunner.createIndex('refresh_tokens', new typeorm_1.TableIndex({ name: 'IDX_refresh_tokens_expires_at', columnNames: ['expires_at'] }));
        await queryRunner.createIndex('refresh_token_families', new typeorm_1.TableIndex({ name: 'IDX_refresh_token_families_expires_at', columnNames: ['expires_at'] }));
    }
    async down(queryRunner) {
        await queryRunner.dropIndex('refresh_token_families', 'IDX_refresh_token_families_expires_at');
        await queryRunner.dropIndex('refresh_tokens', 'IDX_refresh_tokens_expires_at');
    }
}
exports.IndexRefreshTokenExpiry1764710000000 = IndexRefreshTokenExpiry1764710000000;
