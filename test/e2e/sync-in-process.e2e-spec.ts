import { issueAccessToken, withBearer } from '../factories/token.factory';
import { createItem } from '../factories/item.factory';
import { waitFor } from '../support/broker';
import { testDatabases } from '../support/database';
import {
  createItemCopiesTable,
  dataSourceOf,
  HookLog,
  ItemCopy,
  itemReplicaModule,
} from '../support/sync-testbed';
import { startTestApp, TestApp } from '../support/test-app';

// One process without AMQP_URL: the in-process bus carries data sync too (npm run start:dev).
describe.each(testDatabases())('data sync on the in-process bus ($name)', (database) => {
  let app: TestApp;
  const log = new HookLog();

  beforeAll(async () => {
    const started = await startTestApp(
      {
        DATABASE_URL: database.url(),
        AMQP_URL: 'None',
        SERVICE_NAME: `inproc-${database.name}-${Date.now()}`,
      },
      undefined,
      [itemReplicaModule(log)],
    );
    await createItemCopiesTable(started);
    app = withBearer(started, await issueAccessToken(started, ['items:write']));
  });
  afterAll(() => app?.close());

  it('replicates an item from its master to a replica in the same process: create, update, delete', async () => {
    const copies = dataSourceOf(app).getRepository(ItemCopy);
    const item = await createItem(app, { name: 'Widget', quantity: 3 });
    await waitFor('the copy', async () => (await copies.findOneBy({ id: item.id })) !== null, 5000);
    expect(await copies.findOneByOrFail({ id: item.id })).toMatchObject({
      title: 'Widget',
      stock: 3,
      cqrsRevision: 0,
    });

    const patched = await app.request(`/api/items/${item.id}`, { method: 'PATCH', json: { quantity: 7 } });
    expect(patched.status).toBe(200);
    await waitFor(
      'revision 1',
      async () => (await copies.findOneBy({ id: item.id }))?.cqrsRevision === 1,
      5000,
    );
    expect(await copies.findOneByOrFail({ id: item.id })).toMatchObject({ stock: 7, title: 'Widget' });

    expect((await app.request(`/api/items/${item.id}`, { method: 'DELETE' })).status).toBe(204);
    await waitFor('the delete', async () => (await copies.findOneBy({ id: item.id })) === null, 5000);
    expect(log.events.filter((e) => e.pk === item.id).map((e) => [e.kind, e.revision])).toEqual([
      ['create', 0],
      ['update', 1],
      ['delete', 2],
    ]);
  });
});
