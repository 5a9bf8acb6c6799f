import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { portableTypes } from './portable-types';

export class CreateUsers1764200000000 implements MigrationInterface {
  name = 'CreateUsers1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const type = portableTypes(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'users',
        columns: [
          { name: 'id', type: type.uuid, isPrimary: true },
          { name: 'username', type: 'varchar', length: '150' },
          { name: 'password_hash', type: 'varchar', length: '255' },
          { name: 'is_active', type: 'boolean', default: type.true },
          { name: 'roles', type: 'varchar', length: '1000', default: "''" },
          { name: 'created_at', type: type.timestamp, default: type.now },
        ],
      }),
    );
    await queryRunner.createIndex(
      'users',
      new TableIndex({ name: 'UQ_users_username', columnNames: ['username'], isUnique: true }),
    );

    await queryRunner.createTable(
      new Table({
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
      }),
    );
    await queryRunner.createIndex(
      'refresh_tokens',
      new TableIndex({ name: 'IDX_refresh_tokens_family_id', columnNames: ['family_id'] }),
    );
    await queryRunner.createIndex(
      'refresh_tokens',
      new TableIndex({ name: 'IDX_refresh_tokens_user_id', columnNames: ['user_id'] }),
    );
    await queryRunner.createForeignKey(
      'refresh_tokens',
      new TableForeignKey({
        columnNames: ['user_id'],
        referencedTableName: 'users',
        referencedColumnNames: ['id'],
        onDelete: 'CASCADE',
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('refresh_tokens');
    await queryRunner.dropTable('users');
  }
}
