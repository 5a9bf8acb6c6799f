import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { User } from '../src/auth/user.entity';
import { createDataSource } from '../src/database/data-source';
import { runPendingMigrations } from '../src/database/migrator';
import { SyncRegistry } from '../src/sync/sync.registry';
import { SyncTransactions } from '../src/sync/sync-transactions';
import { USER_MASTER } from '../src/users/user-sync';
(async () => {
  const admin = new Client({ connectionString: 'postgres://postgres@127.0.0.1/test' });
  await admin.connect();
  await admin.query('DROP DATABASE IF EXISTS writer_ab'); await admin.query('CREATE DATABASE writer_ab');
  const url = 'postgres://postgres@127.0.0.1/writer_ab';
  const ds = createDataSource({ database: { type: 'postgres', url }, debug: false } as never, [User]);
  await ds.initialize();
  await runPendingMigrations(ds);
  const users = new SyncRegistry(ds, new SyncTransactions(ds)).addMaster(USER_MASTER);
  const run = async (label: string) => {
    const N = 1500; let next = 0; const t = Date.now();
    await Promise.all(Array.from({ length: 20 }, async () => { while (next < N) { next++; await users.create({ id: randomUUID(), username: randomUUID(), passwordHash: 'x', isActive: true, roles: [] }); } }));
    console.log(label, Math.round(N / ((Date.now() - t) / 1000)), 'commits/s');
  };
  for (let i = 0; i < 3; i++) {
    await ds.query(`CREATE OR REPLACE FUNCTION sync_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_notify('sync_outbox', ''); RETURN NULL; END $$`);
    await ds.query(`CREATE TRIGGER sync_outbox_notify AFTER INSERT ON sync_outbox FOR EACH STATEMENT EXECUTE FUNCTION sync_outbox_notify()`);
    await run('trigger (old) + announce');
    await ds.query('DROP TRIGGER sync_outbox_notify ON sync_outbox');
    await run('announce only (new)    ');
  }
  await ds.destroy(); await admin.query('DROP DATABASE writer_ab WITH (FORCE)'); await admin.end();
})();
