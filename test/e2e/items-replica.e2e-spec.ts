import { ItemResponse } from '../../src/items/dto/item.response';
import { createItem } from '../factories/item.factory';
import { issueAccessToken, withBearer } from '../factories/token.factory';
import { requireBroker, uniqueName, waitFor } from '../support/broker';
import { testDatabases } from '../support/database';
import { PrivateVhost } from '../support/private-vhost';
import { startTestApp, TestApp } from '../support/test-app';

jest.setTimeout(90_000);

const describeBroker = requireBroker() ? describe : describe.skip;

/**
 * `ITEMS_SYNC=replica`: the items API of one service reads a copy of another service's items
 * (the master), filled over RabbitMQ, and refuses writes. Both apps share a vhost of this run,
 * so no other run's `item` events reach the replica. The replica's storage is the one under test.
 */
describeBroker.each(testDatabases())('items as a replica (ITEMS_SYNC=replica) on $name', (database) => {
  const vhost = new PrivateVhost(uniqueName('items-replica'));
  let master: TestApp;
  let replica: TestApp;

  beforeAll(async () => {
    await vhost.create();
    const started = await startTestApp({
      DATABASE_URL: database.url(),
      AMQP_URL: vhost.url(),
      SERVICE_NAME: uniqueName('items-replica'),
      ITEMS_SYNC: 'replica',
    });
    replica = withBearer(started, await issueAccessToken(started, ['items:write']));
    // Started second: the replica's queue is bound before the master publishes anything.
    const sqlite = testDatabases().find((candidate) => candidate.name === 'sqlite')!;
    const masterApp = await startTestApp({
      DATABASE_URL: sqlite.url(),
      AMQP_URL: vhost.url(),
      SERVICE_NAME: uniqueName('items-master'),
    });
    master = withBearer(masterApp, await issueAccessToken(masterApp, ['items:write']));
  });
  afterAll(async () => {
    await master?.close();
    await replica?.close();
    await vhost.delete();
  });

  const read = async (app: TestApp, id: string) => {
    const response = await app.request(`/api/items/${id}`);
    return { status: response.status, body: (await response.json()) as ItemResponse };
  };

  it('shows the master’s creates, updates and deletes, field for field', async () => {
    const kept = await createItem(master, { name: 'replicated', quantity: 2 });
    const dropped = await createItem(master);
    const patch = await master.request(`/api/items/${kept.id}`, { method: 'PATCH', json: { quantity: 9 } });
    expect(patch.status).toBe(200);
    expect((await master.request(`/api/items/${dropped.id}`, { method: 'DELETE' })).status).toBe(204);

    await waitFor('the replica to apply the update and the delete', async () => {
      const [keptCopy, droppedCopy] = [await read(replica, kept.id), await read(replica, dropped.id)];
      return keptCopy.body.quantity === 9 && droppedCopy.status === 404;
    });
    expect(await read(replica, kept.id)).toEqual(await read(master, kept.id));
  });

  it.each([
    ['POST', '/api/items', { name: 'not here' }],
    ['PATCH', '/api/items/00000000-0000-4000-8000-000000000000', { quantity: 1 }],
    ['DELETE', '/api/items/00000000-0000-4000-8000-000000000000', undefined],
  ])('refuses %s with 405, naming the setting', async (method, path, json) => {
    const response = await replica.request(path, { method, json });
    expect(response.status).toBe(405);
    expect(await response.json()).toMatchObject({
      statusCode: 405,
      message: expect.stringContaining('ITEMS_SYNC=replica'),
    });
  });
});
