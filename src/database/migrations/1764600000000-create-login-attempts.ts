import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

export class CreateLoginAttempts1764600000000 implements MigrationInterface {
  name = 'CreateLoginAttempts1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'login_attempts',
        columns: [
          { name: 'id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'attempts', type: 'integer' },
          { name: 'window_ends_at', type: 'bigint' },
        ],
      }),
    );
    await queryRunner.createIndex(
      'login_attempts',
      new TableIndex({ name: 'IDX_login_attempts_window_ends_at', columnNames: ['window_ends_at'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('login_attempts');
  }
}
