import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { portableTypes } from './portable-types';

export class CreateItems1764100000000 implements MigrationInterface {
  name = 'CreateItems1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const type = portableTypes(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'items',
        columns: [
          { name: 'id', type: type.uuid, isPrimary: true },
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'description', type: 'varchar', length: '2000', default: "''" },
          { name: 'quantity', type: 'integer', default: 0 },
          { name: 'created_at', type: type.timestamp, default: type.now },
          { name: 'updated_at', type: type.timestamp, default: type.now },
        ],
      }),
    );
    await queryRunner.createIndex('items', new TableIndex({ name: 'IDX_items_name', columnNames: ['name'] }));
    await queryRunner.createIndex(
      'items',
      new TableIndex({ name: 'IDX_items_created_at', columnNames: ['created_at'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('items');
  }
}
