import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createDataSource } from '../../src/database/data-source';
import { runPendingMigrations } from '../../src/database/migrator';
import { Item } from '../../src/items/item.entity';
import { ITEM_MASTER } from '../../src/items/item.sync';
import { MasterRepository } from '../../src/sync/master-repository';
import { OUTBOX_NOTIFY_CHANNEL } from '../../src/sync/sync.constants';
import { SyncRegistry } from '../../src/sync/sync.registry';
import { SyncTransactions } from '../../src/sync/sync-transactions';
import { sleep, waitFor } from '../support/broker';
import { POSTGRES_URL_VARIABLE } from '../support/database';
import { testSettings } from '../support/test-app';

const postgresUrl = process.env[POSTGRES_URL_VARIABLE];
// Under CI=true global-setup fails the run when PostgreSQL is unreachable, so this never skips there.
const describePostgres = postgresUrl ? describe : describe.skip;

/**
 * Writers tell other processes' relays of their outbox rows by a NOTIFY sent after the commit
 * (never inside it: PostgreSQL serialises notifying commits). Seen here from a LISTEN connection
 * of its own, as another pod's relay sees it.
 */
describePostgres('data sync: the NOTIFY after an outbox commit (PostgreSQL)', () => {
  let dataSource: DataSource;
  let items: MasterRepository<Item>;
  let listener: Client;
  let heard = 0;

  beforeAll(async () => {
    dataSource = createDataSource(testSettings({ DATABASE_URL: postgresUrl! }), [Item]);
    await dataSource.initialize();
    await runPendingMigrations(dataSource);
    items = new SyncRegistry(dataSource, new SyncTransactions(dataSource)).addMaster(ITEM_MASTER);
    listener = new Client({ connectionString: postgresUrl });
    await listener.connect();
    listener.on('notification', (message) => {
      if (message.channel === OUTBOX_NOTIFY_CHANNEL) heard++;
    });
    await listener.query(`LISTEN ${OUTBOX_NOTIFY_CHANNEL}`);
  });
  afterAll(async () => {
    await listener?.end();
    await dataSource?.destroy();
  });

  /** Waits until the NOTIFYs in flight have arrived (none for 100 ms), then returns the count. */
  async function settledCount(): Promise<number> {
    for (let last = -1; last !== heard;) {
      last = heard;
      await sleep(100);
    }
    const count = heard;
    heard = 0;
    return count;
  }

  beforeEach(() => settledCount());

  it('has no NOTIFY inside the writing transaction any more (the trigger is gone)', async () => {
    const [trigger] = await dataSource.query<{ count: string }[]>(
      `SELECT COUNT(*) AS count FROM pg_trigger WHERE tgname = 'sync_outbox_notify'`,
    );
    expect(Number(trigger.count)).toBe(0);
  });

  it('a write through the sync API resolves only after its NOTIFY went out (a CLI may exit then)', async () => {
    await items.create({ id: randomUUID(), name: 'announced' });
    // Sent before create() resolved; only the delivery to this listener is waited for.
    await waitFor('the NOTIFY', () => heard > 0, 2_000);
    expect(await settledCount()).toBe(1);
  });

  it('a transaction the caller opened is announced after its commit, and a rolled-back one is not', async () => {
    await dataSource.transaction(async (manager) => {
      await items.create({ id: randomUUID(), name: 'in-caller-transaction' }, { manager });
      await sleep(200);
      expect(heard).toBe(0); // nothing while the transaction is open
    });
    await waitFor('the NOTIFY', () => heard > 0, 2_000);
    expect(await settledCount()).toBe(1);

    await expect(
      dataSource.transaction(async (manager) => {
        await items.create({ id: randomUUID(), name: 'rolled-back' }, { manager });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await settledCount()).toBe(0);
  });

  it('a burst of concurrent commits is announced by a few NOTIFYs, not one each', async () => {
    const commits = 60;
    await Promise.all(
      Array.from({ length: commits }, (_, i) => items.create({ id: randomUUID(), name: `burst-${i}` })),
    );
    const count = await settledCount();
    expect(count).toBeGreaterThanOrEqual(1);
    // 10 pooled connections commit side by side; each NOTIFY in flight stands for all of them.
    expect(count).toBeLessThan(commits / 2);
  });

  it('a transaction that wrote no outbox row sends no NOTIFY', async () => {
    await dataSource.transaction((manager) => manager.query('SELECT 1'));
    await items.update(randomUUID(), { name: 'no such row' });
    expect(await settledCount()).toBe(0);
  });
});
