import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox's NOTIFY moves out of the writing transaction: the insert trigger goes, and writers
 * notify after their commit (OutboxAnnouncer). PostgreSQL serialises the commits of transactions
 * that notified, which held every sync write to a third of the database's commit rate.
 */
export class NotifyOutboxAfterCommit1764800000000 implements MigrationInterface {
  name = 'NotifyOutboxAfterCommit1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type !== 'postgres') return;
    await queryRunner.query('DROP TRIGGER IF EXISTS sync_outbox_notify ON sync_outbox');
    await queryRunner.query('DROP FUNCTION IF EXISTS sync_outbox_notify()');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type !== 'postgres') return;
    await queryRunner.query(`
      CREATE FUNCTION sync_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_notify('sync_outbox', ''); RETURN NULL; END $$`);
    await queryRunner.query(`
      CREATE TRIGGER sync_outbox_notify AFTER INSERT ON sync_outbox
      FOR EACH STATEMENT EXECUTE FUNCTION sync_outbox_notify()`);
  }
}
