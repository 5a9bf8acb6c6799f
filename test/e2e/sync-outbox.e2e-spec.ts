import { randomUUID } from 'node:crypto';
import { In } from 'typeorm';
import { Item } from '../../src/items/item.entity';
import { MasterRepository } from '../../src/sync/master-repository';
import { masterRepositoryToken } from '../../src/sync/sync.module';
import { CqrsBody } from '../../src/sync/cqrs-message';
import { createItem } from '../factories/item.factory';
import { issueAccessToken, withBearer } from '../factories/token.factory';
import { requireBroker, sleep, uniqueName, waitFor } from '../support/broker';
import { testDatabases, TestDatabase } from '../support/database';
import { CqrsProbe, dataSourceOf } from '../support/sync-testbed';
import { TcpProxy } from '../support/tcp-proxy';
import { startTestApp, TestApp } from '../support/test-app';

jest.setTimeout(90_000);

interface OutboxCount {
  total: number;
  pending: number;
}

async function outboxFor(app: TestApp, pks: readonly string[]): Promise<OutboxCount> {
  const rows = await dataSourceOf(app)
    .createQueryBuilder()
    .select('sent_at', 'sent_at')
    .from('sync_outbox', 'o')
    .where('o.instance_pk IN (:...pks)', { pks })
    .getRawMany<{ sent_at: unknown }>();
  return { total: rows.length, pending: rows.filter((row) => row.sent_at === null).length };
}

const itemsOf = (app: TestApp): MasterRepository<Item> => app.app.get(masterRepositoryToken(Item));

describe.each(testDatabases())(
  'data sync: the outbox is written in the transaction of the change ($name)',
  (database) => {
    let app: TestApp;

    beforeAll(async () => {
      app = await startTestApp({
        DATABASE_URL: database.url(),
        AMQP_URL: 'None',
        SERVICE_NAME: uniqueName('outbox'),
      });
    });
    afterAll(() => app?.close());

    it('leaves neither the row nor its outbox row behind when the transaction rolls back', async () => {
      const id = randomUUID();
      await expect(
        dataSourceOf(app).transaction(async (manager) => {
          await itemsOf(app).create({ id, name: 'never' }, { manager });
          const inside = await manager
            .createQueryBuilder()
            .select('o.id', 'id')
            .from('sync_outbox', 'o')
            .where('o.instance_pk = :id', { id })
            .getRawMany();
          expect(inside).toHaveLength(1); // written, in this transaction
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      expect(await dataSourceOf(app).getRepository(Item).findOneBy({ id })).toBeNull();
      expect((await outboxFor(app, [id])).total).toBe(0);
    });

    it('commits the outbox rows with the caller’s transaction, bulk operations included', async () => {
      const ids = Array.from({ length: 25 }, () => randomUUID());
      await dataSourceOf(app).transaction(async (manager) => {
        await itemsOf(app).createMany(
          ids.map((id, n) => ({ id, name: `bulk ${n}` })),
          { manager },
        );
        const updated = await itemsOf(app).updateMany(
          { id: In(ids.slice(0, 10)) },
          { quantity: 9 },
          { manager },
        );
        expect(updated.map((item) => item.cqrsRevision)).toEqual(Array(10).fill(1));
        expect(await itemsOf(app).deleteMany({ id: In(ids.slice(20)) }, { manager })).toBe(5);
      });
      expect((await outboxFor(app, ids)).total).toBe(25 + 10 + 5);
      const rows = await dataSourceOf(app)
        .createQueryBuilder()
        .select(['o.signal_type AS signal_type', 'o.payload AS payload'])
        .from('sync_outbox', 'o')
        .where('o.instance_pk = :id', { id: ids[0] })
        .orderBy('o.id')
        .getRawMany<{ signal_type: string; payload: string }>();
      expect(
        rows.map((row) => [
          row.signal_type,
          (JSON.parse(row.payload) as CqrsBody).instance_data.cqrs_revision,
        ]),
      ).toEqual([
        ['SAVE', 0],
        ['SAVE', 1],
      ]);
    });

    it('never reads a missing pk as "every row"', async () => {
      const item = await itemsOf(app).create({ id: randomUUID(), name: 'safe' });
      expect(await itemsOf(app).update(undefined, { name: 'everything' })).toBeNull();
      expect(await itemsOf(app).delete(undefined)).toBe(false);
      expect(await itemsOf(app).recordUpdated([])).toEqual([]);
      expect(await dataSourceOf(app).getRepository(Item).findOneByOrFail({ id: item.id })).toMatchObject({
        name: 'safe',
        cqrsRevision: 0,
      });
    });

    it('lets a change made outside the API be queued by hand, with the revision bumped in SQL', async () => {
      const item = await itemsOf(app).create({ id: randomUUID(), name: 'by hand' });
      await dataSourceOf(app).transaction(async (manager) => {
        await manager.query(
          `UPDATE items SET quantity = 42 WHERE id = ${database.name === 'postgres' ? '$1' : '?'}`,
          [item.id],
        );
        const [after] = await itemsOf(app).recordUpdated([item.id], { manager });
        expect(after).toMatchObject({ quantity: 42, cqrsRevision: 1 });
      });
      expect((await outboxFor(app, [item.id])).total).toBe(2);
    });
  },
);

const describeBroker = requireBroker() ? describe : describe.skip;

describeBroker('data sync: a broker outage at commit time loses nothing', () => {
  const proxy = new TcpProxy(5672);
  const probe = new CqrsProbe();
  let master: TestApp;
  const database: TestDatabase = testDatabases().at(-1)!;

  beforeAll(async () => {
    await proxy.start();
    await probe.start(['item']);
    const started = await startTestApp({
      DATABASE_URL: database.url(),
      AMQP_URL: proxy.url,
      SERVICE_NAME: uniqueName('outage'),
      BUS_PUBLISH_TIMEOUT: '1s',
    });
    master = withBearer(started, await issueAccessToken(started, ['items:write']));
  });
  afterAll(async () => {
    await master?.close();
    await probe.close();
    await proxy.close();
  });

  it('commits while the broker is away, stays ready, shows the backlog, and publishes once it is back', async () => {
    const warmup = await createItem(master, { name: 'before the outage' });
    await probe.waitFor('the first SAVE', () => probe.matching(warmup.id).length === 1);

    await proxy.cut();
    const item = await createItem(master, { name: 'during the outage' });
    expect(item.name).toBe('during the outage');

    const ready = await master.request('/health/ready');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok', details: { broker: { status: 'down' } } });
    await sleep(1500); // longer than BUS_PUBLISH_TIMEOUT: the relay's attempt has failed by now
    expect(await outboxFor(master, [item.id])).toEqual({ total: 1, pending: 1 });
    const metrics = await master.metrics();
    expect(metrics).toMatch(/sync_outbox_depth\{cqrs_id="item"\} [1-9]/);
    expect(metrics).toMatch(/sync_outbox_oldest_age_seconds\{cqrs_id="item"\} [0-9.]+/);
    expect(probe.matching(item.id)).toHaveLength(0);

    await proxy.restore();
    await probe.waitFor('the SAVE after the outage', () => probe.matching(item.id).length >= 1, 30_000);
    expect(probe.matching(item.id)[0].body).toMatchObject({ signal_type: 'SAVE', instance_pk: item.id });
    await waitFor('the row marked sent', async () => (await outboxFor(master, [item.id])).pending === 0);
    const after = await master.metrics();
    expect(after).toContain('sync_outbox_depth{cqrs_id="item"} 0');
    expect(after).toMatch(/sync_relay_lag_seconds_count\{cqrs_id="item"\} [1-9]/);
    expect(after).toMatch(/sync_events_published_total\{cqrs_id="item"\} [1-9]/);
  });
});
