import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { In } from 'typeorm';
import { UsersService } from '../../src/auth/users.service';
import { BODY_KEYS, encodeCqrsBody, CqrsBody } from '../../src/sync/cqrs-message';
import { SyncSender } from '../../src/sync/sync-sender.service';
import { SyncedUser } from '../../src/users/synced-user.entity';
import { createItem } from '../factories/item.factory';
import { issueAccessToken, withBearer } from '../factories/token.factory';
import { BrokerJanitor, requireBroker, TEST_AMQP_URL, uniqueName, waitFor } from '../support/broker';
import { testDatabases } from '../support/database';
import { testKeyPair } from '../support/keys';
import {
  clockModule,
  CqrsProbe,
  createItemCopiesTable,
  dataSourceOf,
  drainQueue,
  HookLog,
  ItemCopy,
  itemReplicaModule,
  publishCqrs,
  settledEvents,
  TestClock,
  trackSyncQueues,
} from '../support/sync-testbed';
import { startTestApp, TestApp } from '../support/test-app';

jest.setTimeout(60_000);

const SAMPLES = join(__dirname, '..', 'fixtures', 'cqrs-samples');
const sample = (name: string): Buffer => readFileSync(join(SAMPLES, name));
/** `str(datetime)` of an aware UTC datetime, with or without microseconds. */
const PYTHON_DATETIME = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{6})?\+00:00$/;
/** `isoformat()` without microseconds, timezone-aware. */
const EXPIRES = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/;

const describeBroker = requireBroker() ? describe : describe.skip;

describeBroker.each(testDatabases())("data sync: the master's messages on the wire ($name)", (database) => {
  const probe = new CqrsProbe();
  let master: TestApp;

  beforeAll(async () => {
    await probe.start(['item', 'user', `cqrs.${probe.queue}.item`]);
    const started = await startTestApp({
      DATABASE_URL: database.url(),
      AMQP_URL: TEST_AMQP_URL,
      SERVICE_NAME: uniqueName('sync-master'),
    });
    master = withBearer(started, await issueAccessToken(started, ['items:write']));
  });
  afterAll(async () => {
    await master?.close();
    await probe.close();
  });

  it('publishes a SAVE on create exactly as django-cqrs does: exchange, key, properties, keys, formats', async () => {
    const before = Date.now();
    const item = await createItem(
      master,
      { name: 'Wire / widget é', quantity: 3 },
      { 'x-request-id': 'req-wire-1' },
    );
    await probe.waitFor('the SAVE', () => probe.matching(item.id).length === 1);
    const [message] = probe.matching(item.id);
    expect(message.exchange).toBe('cqrs');
    expect(message.routingKey).toBe('item');
    const { properties } = message.message;
    expect(properties.contentType).toBe('text/plain');
    expect(properties.deliveryMode).toBe(2);
    // Nothing else (amqplib always writes a headers table; it is empty).
    expect(properties.headers ?? {}).toEqual({});
    for (const unset of [
      'contentEncoding',
      'priority',
      'correlationId',
      'replyTo',
      'expiration',
      'messageId',
      'timestamp',
      'type',
      'userId',
      'appId',
    ] as const)
      expect(properties[unset]).toBeUndefined();

    const body = message.body as unknown as CqrsBody;
    expect(Object.keys(body)).toEqual(BODY_KEYS);
    // Compact, ASCII, `/` escaped: what ujson writes.
    expect(message.content.equals(encodeCqrsBody(body))).toBe(true);
    expect(message.content.toString('latin1')).toContain('Wire \\/ widget \\u00e9');
    expect(body).toMatchObject({
      signal_type: 'SAVE',
      cqrs_id: 'item',
      previous_data: null,
      instance_pk: item.id,
      // The id of the HTTP request that made the change (its X-Request-Id, or one the app made).
      correlation_id: 'req-wire-1',
      retries: 0,
      meta: {},
    });
    expect(Object.keys(body.instance_data)).toEqual([
      'id',
      'cqrs_revision',
      'cqrs_updated',
      'name',
      'description',
      'quantity',
      'created_at',
      'updated_at',
    ]);
    expect(body.instance_data).toMatchObject({
      id: item.id,
      cqrs_revision: 0,
      name: 'Wire / widget é',
      quantity: 3,
    });
    expect(body.instance_data.cqrs_updated).toMatch(PYTHON_DATETIME);
    expect(body.instance_data.created_at).toMatch(PYTHON_DATETIME);
    expect(body.expires).toMatch(EXPIRES);
    const expiresAt = Date.parse(body.expires!);
    expect(expiresAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 86_400_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 86_400_000);
  });

  it('publishes an update with the next revision, and a DELETE with exactly {id, cqrs_revision, cqrs_updated}', async () => {
    const item = await createItem(master, { name: 'Revisions' });
    for (const quantity of [5, 6])
      expect(
        (await master.request(`/api/items/${item.id}`, { method: 'PATCH', json: { quantity } })).status,
      ).toBe(200);
    expect((await master.request(`/api/items/${item.id}`, { method: 'DELETE' })).status).toBe(204);
    await probe.waitFor('four messages', () => probe.matching(item.id).length === 4);
    const bodies = probe.matching(item.id).map((m) => m.body as unknown as CqrsBody);
    expect(bodies.map((b) => [b.signal_type, b.instance_data.cqrs_revision])).toEqual([
      ['SAVE', 0],
      ['SAVE', 1],
      ['SAVE', 2],
      ['DELETE', 3],
    ]);
    expect(bodies[2].instance_data.quantity).toBe(6);
    const deleted = bodies[3];
    expect(Object.keys(deleted.instance_data)).toEqual(['id', 'cqrs_revision', 'cqrs_updated']);
    expect(deleted.instance_data.id).toBe(item.id);
    expect(deleted.instance_data.cqrs_updated).toMatch(PYTHON_DATETIME);
    expect(deleted.previous_data).toBeNull();
    expect(deleted.instance_pk).toBe(item.id);
  });

  it('sends users without the password hash, with previous_data for the tracked fields', async () => {
    const users = master.app.get(UsersService);
    const user = await users.create({
      username: uniqueName('wire').replace(/-/g, '_'),
      password: 'a-long-password',
    });
    await users.setActive(user.id, false);
    await probe.waitFor('create and deactivate', () => probe.matching(user.id).length === 2);
    const [created, deactivated] = probe.matching(user.id).map((m) => m.body as unknown as CqrsBody);
    expect(probe.matching(user.id)[0].routingKey).toBe('user');
    expect(Object.keys(created.instance_data)).toEqual([
      'id',
      'cqrs_revision',
      'cqrs_updated',
      'username',
      'is_active',
      'roles',
      'date_joined',
    ]);
    expect(JSON.stringify(created)).not.toMatch(/password|scrypt/);
    expect(created.previous_data).toEqual({ is_active: null, roles: null });
    expect(deactivated.instance_data).toMatchObject({ cqrs_revision: 1, is_active: false });
    expect(deactivated.previous_data).toEqual({ is_active: true });
  });

  it('re-sends rows as SYNC to one replica queue (cqrs.<queue>.<cqrs_id>) without a new revision', async () => {
    const item = await createItem(master, { name: 'Resent' });
    await probe.waitFor('the SAVE', () => probe.matching(item.id).length === 1);
    const sent = await master.app
      .get(SyncSender)
      .resync('item', { where: { id: In([item.id]) }, queue: probe.queue });
    expect(sent).toBe(1);
    await probe.waitFor('the SYNC', () => probe.matching(item.id).length === 2);
    const sync = probe.matching(item.id)[1];
    expect(sync.routingKey).toBe(`cqrs.${probe.queue}.item`);
    expect(sync.body).toMatchObject({ signal_type: 'SYNC', previous_data: null, retries: 0 });
    expect((sync.body as unknown as CqrsBody).instance_data.cqrs_revision).toBe(0);
  });
});

describeBroker.each(testDatabases())(
  'data sync: a replica applying django-cqrs messages ($name)',
  (database) => {
    const janitor = new BrokerJanitor();
    const queue = uniqueName('sync-replica');
    const log = new HookLog();
    // The samples were made for 2026-11-25 ~20:40 UTC: 06 has expired by then, the others not.
    const clock = new TestClock(Date.parse('2026-11-25T20:40:00Z'));
    let replica: TestApp;

    beforeAll(async () => {
      trackSyncQueues(janitor, queue, ['user', 'item']);
      replica = await startTestApp(
        {
          DATABASE_URL: database.url(),
          AMQP_URL: TEST_AMQP_URL,
          SERVICE_NAME: queue,
          JWT_SIGN_KEY: '0',
          JWT_VERIFY_KEY: testKeyPair().publicKey,
          SYNC_MAX_RETRIES: '2',
          SYNC_RETRY_DELAY: '100ms',
        },
        undefined,
        [itemReplicaModule(log), clockModule(clock)],
      );
      await createItemCopiesTable(replica);
    });
    afterAll(async () => {
      await replica?.close();
      await janitor.cleanup();
    });

    /** Publishes like a master aimed at this replica only (the shared broker has other `user` replicas). */
    async function deliver(cqrsId: string, content: Buffer, settledBefore: number): Promise<void> {
      await publishCqrs(`cqrs.${queue}.${cqrsId}`, content);
      await waitFor(
        `the ${cqrsId} event settled`,
        async () => (await settledEvents(replica, cqrsId)) > settledBefore,
      );
    }

    it('applies the samples as the spec says (user: create, legacy, gap, delete, late save; item: sync, retries)', async () => {
      const users = dataSourceOf(replica).getRepository(SyncedUser);
      const items = dataSourceOf(replica).getRepository(ItemCopy);
      await users.delete({ id: '42' });
      let settled = await settledEvents(replica, 'user');

      await deliver('user', sample('01-save-create-user.json'), settled++);
      expect(await users.findOneByOrFail({ id: '42' })).toMatchObject({
        username: 'alice',
        isActive: true,
        roles: [],
        cqrsRevision: 0,
      });
      expect((await users.findOneByOrFail({ id: '42' })).cqrsUpdated.toISOString()).toBe(
        '2026-11-25T20:00:00.118Z',
      );

      await deliver('user', sample('07-legacy-v1.0-save-user.json'), settled++); // 4 keys only
      expect((await users.findOneByOrFail({ id: '42' })).cqrsRevision).toBe(1);

      await deliver('user', sample('02-save-update-user-previous-data.json'), settled++); // gap 1 → 3
      expect((await users.findOneByOrFail({ id: '42' })).cqrsRevision).toBe(3);

      await deliver('user', sample('03-delete-user.json'), settled++);
      expect(await users.findOneBy({ id: '42' })).toBeNull();

      await deliver('user', sample('02-save-update-user-previous-data.json'), settled++); // late SAVE r3 < tombstone r4
      await deliver('user', sample('01-save-create-user.json'), settled++);
      expect(await users.findOneBy({ id: '42' })).toBeNull();

      const itemId = '3f1c8a4e-9b2d-4c61-8e7a-5d0b6f2a9c13';
      await items.delete({ id: itemId });
      settled = await settledEvents(replica, 'item');
      await deliver('item', sample('04-sync-item-direct-to-replica.json'), settled++);
      expect(await items.findOneByOrFail({ id: itemId })).toMatchObject({
        title: 'Widget',
        price: '19.90',
        cqrsRevision: 7,
      });
      expect((await items.findOneByOrFail({ id: itemId })).madeAt?.toISOString()).toBe(
        '2026-11-20T08:15:30.250Z',
      );
      await deliver('item', sample('05-save-item-requeued-retries-3.json'), settled++);
      expect(await items.findOneByOrFail({ id: itemId })).toMatchObject({ price: '21.50', cqrsRevision: 8 });
      await deliver('item', sample('08-dead-letter-item.json'), settled++); // same revision: a duplicate
      expect(await items.findOneByOrFail({ id: itemId })).toMatchObject({ price: '21.50', cqrsRevision: 8 });
    });

    it('dead-letters the expired sample to cqrs.dead_letter_<queue>.user with the spec expiration, unapplied', async () => {
      const users = dataSourceOf(replica).getRepository(SyncedUser);
      await users.delete({ id: '42' });
      await dataSourceOf(replica).query(`DELETE FROM sync_tombstones WHERE cqrs_id = 'user'`);
      await drainQueue(`dead_letter_${queue}`);
      await deliver('user', sample('06-save-user-expired.json'), await settledEvents(replica, 'user'));
      expect(await users.findOneBy({ id: '42' })).toBeNull();
      const [parked, ...more] = await drainQueue(`dead_letter_${queue}`);
      expect(more).toHaveLength(0);
      expect(parked.fields.routingKey).toBe(`cqrs.dead_letter_${queue}.user`);
      expect(parked.fields.exchange).toBe('cqrs');
      expect(parked.properties.expiration).toBe('864000000');
      expect(parked.properties.contentType).toBe('text/plain');
      expect(parked.properties.deliveryMode).toBe(2);
      expect(parked.properties.headers?.['x-death-reason']).toBe('expired');
      expect(parked.content.equals(sample('06-save-user-expired.json'))).toBe(true);
    });
  },
);
