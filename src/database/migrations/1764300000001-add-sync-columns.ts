import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';
import { portableTypes } from './portable-types';

/** Sync columns of the template's masters (items, users) and the users replica of verify-only services. */
export class AddSyncColumns1764300000001 implements MigrationInterface {
  name = 'AddSyncColumns1764300000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    const type = portableTypes(queryRunner);
    for (const table of ['items', 'users']) await queryRunner.addColumns(table, syncColumns(queryRunner));
    await queryRunner.createTable(
      new Table({
        name: 'synced_users',
        columns: [
          // Text, so a Django login service's integer ids fit as well as this template's UUIDs.
          { name: 'id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'username', type: 'varchar', length: '150' },
          { name: 'is_active', type: 'boolean', default: type.true },
          { name: 'roles', type: 'varchar', length: '1000', default: "''" },
          { name: 'date_joined', type: type.timestamp, isNullable: true },
          ...syncColumns(queryRunner),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('synced_users');
    for (const table of ['users', 'items']) {
      await queryRunner.dropColumn(table, 'cqrs_updated');
      await queryRunner.dropColumn(table, 'cqrs_revision');
    }
  }
}

/** `cqrs_revision` (0 on create) and `cqrs_updated`, as SyncedColumns declares them. */
function syncColumns(queryRunner: QueryRunner): TableColumn[] {
  const type = portableTypes(queryRunner);
  const isPostgres = queryRunner.connection.options.type === 'postgres';
  return [
    new TableColumn({ name: 'cqrs_revision', type: 'integer', default: 0 }),
    // What TypeORM makes of the entity's CURRENT_TIMESTAMP default on each database.
    new TableColumn({
      name: 'cqrs_updated',
      type: type.timestamp,
      default: isPostgres ? 'now()' : 'CURRENT_TIMESTAMP',
    }),
  ];
}
