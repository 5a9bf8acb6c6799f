"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.NotifyOutboxAfterCommit1764800000000 = void 0;
class NotifyOutboxAfterCommit1764800000000 {
    name = 'NotifyOutboxAfterCommit1764800000000';
    async up(queryRunner) {
        if (queryRunner.connection.options.type !== 'postgres')
            return;
        await queryRunner.query('DROP TRIGGER IF EXISTS sync_outbox_notify ON sync_outbox');
        await queryRunner.query('DROP FUNCTION IF EXISTS sync_outbox_notify()');
    }
    async down(queryRunner) {
        if (queryRunner.connection.options.type !== 'postgres')
            return;
        await queryRunner.query(`
      CREATE FUNCTION sync_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_notify('sync_outbox', ''); RETURN NULL; END $$`);
        await queryRunner.query(`
      CREATE TRIGGER sync_outbox_notify AFTER INSERT ON sync_outbox
      FOR EACH STATEMENT EXECUTE FUNCTION sync_outbox_notify()`);
    }
}
exports.NotifyOutboxAfterCommit1764800000000 = NotifyOutboxAfterCommit1764800000000;
