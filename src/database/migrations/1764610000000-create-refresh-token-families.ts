import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { portableTypes } from './portable-types';

export class CreateRefreshTokenFamilies1764610000000 implements MigrationInterface {
  name = 'CreateRefreshTokenFamilies1764610000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const type = portableTypes(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'refresh_token_families',
        columns: [
          { name: 'family_id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'user_id', type: type.uuid },
          { name: 'expires_at', type: type.timestamp },
          { name: 'revoked_at', type: type.timestamp, isNullable: true },
          { name: 'created_at', type: type.timestamp, default: type.now },
        ],
      }),
    );
    await queryRunner.createIndex(
      'refresh_token_families',
      new TableIndex({ name: 'IDX_refresh_token_families_user_id', columnNames: ['user_id'] }),
    );
    await queryRunner.createForeignKey(
      'refresh_token_families',
      new TableForeignKey({
        columnNames: ['user_id'],
        referencedTableName: 'users',
        referencedColumnNames: ['id'],
        onDelete: 'CASCADE',
      }),
    );
    // Families issued before this table existed: a family counts as revoked if any token was.
    await queryRunner.query(
      `INSERT INTO refresh_token_families (family_id, user_id, expires_at, revoked_at, created_at)
       SELECT family_id, user_id, MAX(expires_at), MAX(revoked_at), MIN(created_at)
       FROM refresh_tokens GROUP BY family_id, user_id`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('refresh_token_families');
  }
}
