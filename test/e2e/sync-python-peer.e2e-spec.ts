import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { randomInt, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { In } from 'typeorm';
import { UsersService } from '../../src/auth/users.service';
import { SyncSender } from '../../src/sync/sync-sender.service';
import { TABLES } from '../../src/sync/sync.constants';
import { SyncedUser } from '../../src/users/synced-user.entity';
import { createItem } from '../factories/item.factory';
import { issueAccessToken, withBearer } from '../factories/token.factory';
import { requireBroker, uniqueName, waitFor } from '../support/broker';
import { testDatabases } from '../support/database';
import { testKeyPair } from '../support/keys';
import { PrivateVhost } from '../support/private-vhost';
import { findPython } from '../support/python';
import {
  createItemCopiesTable,
  dataSourceOf,
  HookLog,
  ItemCopy,
  itemReplicaModule,
  settledEvents,
} from '../support/sync-testbed';
import { startTestApp, TestApp } from '../support/test-app';

jest.setTimeout(120_000);

const PEER = join(__dirname, '..', 'interop', 'django_cqrs_peer.py');

const PYTHON = requireBroker()
  ? findPython({ module: 'pika', aptPackages: 'python3-pika', check: 'the python peer check' })
  : null;
const describePeer = PYTHON ? describe : describe.skip;

interface ReceivedMessage {
  readonly routing_key: string;
  readonly body: {
    signal_type: string;
    cqrs_id: string;
    instance_pk: unknown;
    instance_data: Record<string, unknown>;
    previous_data: unknown;
  } | null;
  readonly errors: string[];
}

/** Runs the peer to completion; its last stdout line is its JSON report. */
function runPeer(args: string[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON!, [PEER, ...args]);
    collect(child, resolve, reject);
  });
}

function collect(
  child: ChildProcessWithoutNullStreams,
  resolve: (report: unknown) => void,
  reject: (error: Error) => void,
): void {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.on('error', reject);
  child.on('close', (code) => {
    if (code !== 0) return reject(new Error(`python peer exited ${code}:\n${stderr}`));
    const lines = stdout.trim().split('\n');
    try {
      resolve(JSON.parse(lines[lines.length - 1]));
    } catch {
      reject(new Error(`python peer printed no report:\n${stdout}\n${stderr}`));
    }
  });
}

describePeer('data sync with an independent Python django-cqrs peer (pika, from the spec)', () => {
  const vhost = new PrivateVhost(uniqueName('pypeer').replace(/[^A-Za-z0-9_-]/g, '_'));
  // SQLite files of their own: the check is about the wire, and nothing here is shared.
  const sqlite = testDatabases().find((database) => database.name === 'sqlite')!;

  beforeAll(() => vhost.create());
  afterAll(() => vhost.delete());

  describe('the peer as a django-cqrs MASTER, our service as its replica', () => {
    const queue = uniqueName('py-replica');
    let replica: TestApp;

    beforeAll(async () => {
      replica = await startTestApp(
        {
          DATABASE_URL: sqlite.url(),
          AMQP_URL: vhost.url(),
          SERVICE_NAME: queue,
          JWT_SIGN_KEY: '0',
          JWT_VERIFY_KEY: testKeyPair().publicKey,
        },
        undefined,
        [itemReplicaModule(new HookLog())],
      );
      await createItemCopiesTable(replica);
    });
    afterAll(() => replica?.close());

    it('applies its SAVE, SYNC and DELETE of user and item as the spec says', async () => {
      const userIds = [randomInt(1_000_000, 2_000_000), randomInt(2_000_000, 3_000_000)];
      const itemIds = [randomUUID(), randomUUID()];
      const report = (await runPeer([
        'master',
        '--url',
        vhost.url(),
        '--queue',
        queue,
        '--user-ids',
        ...userIds.map(String),
        '--item-ids',
        ...itemIds,
      ])) as { sent: { routing_key: string; signal_type: string }[] };
      expect(report.sent.map((m) => `${m.signal_type} ${m.routing_key}`)).toEqual([
        'SAVE user',
        'SAVE user',
        'SAVE user',
        `SYNC cqrs.${queue}.user`,
        'DELETE user',
        'SAVE item',
        'SAVE item',
        `SYNC cqrs.${queue}.item`,
        'DELETE item',
      ]);
      await waitFor(
        'all nine events settled',
        async () =>
          (await settledEvents(replica, 'user')) >= 5 && (await settledEvents(replica, 'item')) >= 4,
      );

      const dataSource = dataSourceOf(replica);
      const [kept, deleted] = userIds.map(String);
      const users = await dataSource.getRepository(SyncedUser).findBy({ id: In([kept, deleted]) });
      expect(users).toHaveLength(1);
      // SAVE r0, SAVE r1 (deactivated), then a SYNC at r1 that overwrites the username.
      expect(users[0]).toMatchObject({
        id: kept,
        username: `py-user-${kept}-synced`,
        isActive: false,
        roles: [],
        cqrsRevision: 1,
      });
      const items = await dataSource.getRepository(ItemCopy).findBy({ id: In(itemIds) });
      expect(items).toHaveLength(1);
      // SAVE r0, then the direct SYNC at r3 (a SYNC has no revision guard).
      expect(items[0]).toMatchObject({ id: itemIds[0], title: 'Py widget', price: '21.50', cqrsRevision: 3 });
      const tombstones = await dataSource.query<
        { cqrs_id: string; instance_pk: string; cqrs_revision: number }[]
      >(`SELECT cqrs_id, instance_pk, cqrs_revision FROM ${TABLES.tombstones} ORDER BY cqrs_id`);
      expect(tombstones.map((t) => [t.cqrs_id, t.instance_pk, Number(t.cqrs_revision)])).toEqual([
        ['item', itemIds[1], 1],
        ['user', deleted, 1],
      ]);
    });
  });

  describe('our service as a MASTER, the peer as a django-cqrs REPLICA', () => {
    const queue = uniqueName('py-replica-queue');
    let master: TestApp;

    beforeAll(async () => {
      const started = await startTestApp({
        DATABASE_URL: sqlite.url(),
        AMQP_URL: vhost.url(),
        SERVICE_NAME: uniqueName('py-master'),
      });
      master = withBearer(started, await issueAccessToken(started, ['items:write']));
    });
    afterAll(() => master?.close());

    it('sends SAVE, SYNC and DELETE of item and user that pass every check of the spec', async () => {
      const peer = spawn(PYTHON!, [
        PEER,
        'replica',
        '--url',
        vhost.url(),
        '--queue',
        queue,
        '--cqrs-id',
        'user',
        '--cqrs-id',
        'item',
        '--expect',
        '7',
        '--timeout',
        '60',
      ]);
      const report = new Promise<unknown>((resolve, reject) => collect(peer, resolve, reject));
      // The peer declares its queue and bindings first, as a replica must before a master sends.
      let ready = false;
      peer.stdout.on('data', (chunk: Buffer) => (ready ||= chunk.toString().includes('ready')));
      await waitFor('the peer declared its queue', () => Promise.resolve(ready));

      const item = await createItem(master, { name: 'Wire / widget é', quantity: 3 });
      const patched = await master.request(`/api/items/${item.id}`, {
        method: 'PATCH',
        json: { quantity: 4 },
      });
      expect(patched.status).toBe(200);
      expect(await master.app.get(SyncSender).resync('item', { where: { id: In([item.id]) }, queue })).toBe(
        1,
      );
      expect((await master.request(`/api/items/${item.id}`, { method: 'DELETE' })).status).toBe(204);
      const users = master.app.get(UsersService);
      const user = await users.create({
        username: uniqueName('py').replace(/-/g, '_'),
        password: 'a-long-password',
      });
      await users.setActive(user.id, false);
      await users.remove(user.id);

      const { received } = (await report) as { received: ReceivedMessage[] };
      expect(received.flatMap((m) => m.errors.map((error) => `${m.routing_key}: ${error}`))).toEqual([]);
      const summary = (cqrsId: string) =>
        received
          .filter((m) => m.body?.cqrs_id === cqrsId)
          .map(
            (m) => `${m.body!.signal_type} ${m.routing_key} r${String(m.body!.instance_data.cqrs_revision)}`,
          );
      expect(summary('item')).toEqual([
        'SAVE item r0',
        'SAVE item r1',
        `SYNC cqrs.${queue}.item r1`,
        'DELETE item r2',
      ]);
      expect(summary('user')).toEqual(['SAVE user r0', 'SAVE user r1', 'DELETE user r2']);
      expect(
        received.every((m) => m.body?.instance_pk === (m.body?.cqrs_id === 'item' ? item.id : user.id)),
      ).toBe(true);
      const deactivated = received.find(
        (m) => m.body?.cqrs_id === 'user' && m.body.instance_data.cqrs_revision === 1,
      );
      expect(deactivated?.body?.previous_data).toEqual({ is_active: true });
    });
  });
});
