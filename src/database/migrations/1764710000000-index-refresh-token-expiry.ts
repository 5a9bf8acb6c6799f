import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * The `prune-refresh-tokens` job deletes by `expires_at` every hour; without these indexes each
 * run scans both tables, which grow with every login.
 */
export class IndexRefreshTokenExpiry1764710000000 implements MigrationInterface {
  name = 'IndexRefreshTokenExpiry1764710000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      'refresh_tokens',
      new TableIndex({ name: 'IDX_refresh_tokens_expires_at', columnNames: ['expires_at'] }),
    );
    await queryRunner.createIndex(
      'refresh_token_families',
      new TableIndex({ name: 'IDX_refresh_token_families_expires_at', columnNames: ['expires_at'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('refresh_token_families', 'IDX_refresh_token_families_expires_at');
    await queryRunner.dropIndex('refresh_tokens', 'IDX_refresh_tokens_expires_at');
  }
}
