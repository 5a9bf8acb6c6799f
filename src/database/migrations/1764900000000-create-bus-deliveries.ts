import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/** Deliveries of redelivered bus messages, counted across restarts (src/bus/delivery-counter.ts). */
export class CreateBusDeliveries1764900000000 implements MigrationInterface {
  name = 'CreateBusDeliveries1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'bus_deliveries',
        columns: [
          { name: 'id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'deliveries', type: 'integer' },
          { name: 'first_seen_at', type: 'bigint' },
        ],
      }),
    );
    await queryRunner.createIndex(
      'bus_deliveries',
      new TableIndex({ name: 'IDX_bus_deliveries_first_seen_at', columnNames: ['first_seen_at'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('bus_deliveries');
  }
}
