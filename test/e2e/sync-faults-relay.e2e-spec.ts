import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createDataSource } from '../../src/database/data-source';
import { ITEM_MASTER } from '../../src/items/item.sync';
import { Item } from '../../src/items/item.entity';
import { SyncRegistry } from '../../src/sync/sync.registry';
import { SyncTransactions } from '../../src/sync/sync-transactions';
import { requireBroker, uniqueName, waitFor } from '../support/broker';
import { POSTGRES_URL_VARIABLE, truncateTables } from '../support/database';
import { PrivateVhost } from '../support/private-vhost';
import { dataSourceOf } from '../support/sync-testbed';
import { startTestApp, TestApp } from '../support/test-app';

const postgresUrl = process.env[POSTGRES_URL_VARIABLE];
const describeIfServices = requireBroker() && postgresUrl ? describe : describe.skip;

// The relay claims half of the outbox partitions per pass (so several master processes share the
// work). A burst that spans every partition must go out at once, not half of it at the fallback
// poll. The burst is written the way another process of the service (or the CLI) writes it: its
// own DataSource, so only PostgreSQL's NOTIFY tells the app's relay, once.
describeIfServices('data sync relay: a burst over every outbox partition', () => {
  const vhost = new PrivateVhost(uniqueName('relay'));
  let app: TestApp;
  let writer: DataSource;

  beforeAll(async () => {
    await vhost.create();
    await truncateTables(postgresUrl!, ['items', 'sync_outbox']);
    app = await startTestApp({
      DATABASE_URL: postgresUrl!,
      AMQP_URL: vhost.url(),
      SERVICE_NAME: uniqueName('relay-master'),
      // Far beyond the test's wait: only the wake-ups can publish in time.
      SYNC_RELAY_POLL: '10m',
    });
    writer = createDataSource(app.settings, [Item]);
    await writer.initialize();
  }, 60_000);
  afterAll(async () => {
    await writer?.destroy();
    await app?.close();
    await vhost.delete();
  }, 60_000);

  it('publishes every partition of one commit without waiting for the poll', async () => {
    const items = new SyncRegistry(writer, new SyncTransactions(writer)).addMaster(ITEM_MASTER);
    const created = await items.createMany(
      Array.from({ length: 200 }, (_, i) => ({ id: randomUUID(), name: `burst-${i}` })),
    );
    expect(created).toHaveLength(200);
    const dataSource = dataSourceOf(app);
    const pending = async (): Promise<{ rows: number; partitions: number }> => {
      const [row] = await dataSource.query<{ rows: string; partitions: string }[]>(
        'SELECT COUNT(*) AS rows, COUNT(DISTINCT partition) AS partitions FROM sync_outbox WHERE sent_at IS NULL',
      );
      return { rows: Number(row.rows), partitions: Number(row.partitions) };
    };
    const [written] = await dataSource.query<{ partitions: string }[]>(
      'SELECT COUNT(DISTINCT partition) AS partitions FROM sync_outbox',
    );
    expect(Number(written.partitions)).toBe(16);
    await waitFor('every partition published', async () => (await pending()).rows === 0, 5_000).catch(
      async (error: Error) => {
        throw new Error(`${error.message}: ${JSON.stringify(await pending())} still pending`);
      },
    );
  });
});
