import { randomUUID } from 'node:crypto';
import { In } from 'typeorm';
import {
  BrokerJanitor,
  requireBroker,
  TEST_AMQP_URL,
  uniqueName,
  waitFor,
  withAdminConnection,
} from '../support/broker';
import { testDatabases } from '../support/database';
import { testKeyPair } from '../support/keys';
import {
  createItemCopiesTable,
  dataSourceOf,
  drainQueue,
  HookLog,
  ItemCopy,
  itemMessage,
  itemReplicaModule,
  publishCqrs,
  settledEvents,
  syncCounter,
  trackSyncQueues,
} from '../support/sync-testbed';
import { startTestApp, TestApp } from '../support/test-app';
import { METRICS } from '../../src/sync/sync.constants';
import { AmqpDeadLetterQueue } from '../../src/bus/dead-letters';
import { RetrySeal } from '../../src/bus/retry-seal';
import { TEST_SECRET_KEY } from '../support/secret-key';

jest.setTimeout(60_000);

const describeBroker = requireBroker() ? describe : describe.skip;

describeBroker.each(testDatabases())(
  'data sync: replica ordering and failures on RabbitMQ ($name)',
  (database) => {
    const janitor = new BrokerJanitor();
    const queue = uniqueName('sync-order');
    const log = new HookLog();
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
        [itemReplicaModule(log)],
      );
      await createItemCopiesTable(replica);
    });
    afterAll(async () => {
      await replica?.close();
      await janitor.cleanup();
    });

    const copies = () => dataSourceOf(replica).getRepository(ItemCopy);
    const direct = `cqrs.${queue}.item`;

    /** Publishes the messages in order and waits until the replica has settled every one. */
    async function deliverAll(messages: Buffer[]): Promise<void> {
      const before = await settledEvents(replica, 'item');
      for (const message of messages) await publishCqrs(direct, message);
      await waitFor(
        `${messages.length} events settled`,
        async () => (await settledEvents(replica, 'item')) >= before + messages.length,
      );
    }

    const eventsOf = (pk: string) =>
      log.events.filter((e) => e.pk === pk).map((e) => `${e.kind}@${e.revision}`);

    it('drops an older revision that arrives late (out of order)', async () => {
      const pk = randomUUID();
      const stale = await syncCounter(replica, METRICS.droppedStale, 'item');
      await deliverAll([
        itemMessage('SAVE', pk, 2, { name: 'two' }),
        itemMessage('SAVE', pk, 1, { name: 'one' }),
        itemMessage('SAVE', pk, 3, { name: 'three' }),
      ]);
      expect(await copies().findOneByOrFail({ id: pk })).toMatchObject({ title: 'three', cqrsRevision: 3 });
      expect(eventsOf(pk)).toEqual(['create@2', 'update@3']);
      expect(await syncCounter(replica, METRICS.droppedStale, 'item')).toBe(stale + 1);
    });

    it('applies each revision once when messages are duplicated (revision and inbox)', async () => {
      const pk = randomUUID();
      const duplicates = await syncCounter(replica, METRICS.duplicate, 'item');
      await deliverAll([
        itemMessage('SAVE', pk, 0, { name: 'zero' }),
        itemMessage('SAVE', pk, 0, { name: 'zero' }),
        itemMessage('SAVE', pk, 1, { name: 'one' }),
        itemMessage('SAVE', pk, 1, { name: 'one' }),
        itemMessage('DELETE', pk, 2),
        itemMessage('DELETE', pk, 2),
      ]);
      expect(eventsOf(pk)).toEqual(['create@0', 'update@1', 'delete@2']);
      expect(await syncCounter(replica, METRICS.duplicate, 'item')).toBe(duplicates + 3);
    });

    it('applies a gap in revisions with a warning', async () => {
      const pk = randomUUID();
      await deliverAll([
        itemMessage('SAVE', pk, 0, { name: 'zero' }),
        itemMessage('SAVE', pk, 5, { name: 'five' }),
      ]);
      expect(await copies().findOneByOrFail({ id: pk })).toMatchObject({ title: 'five', cqrsRevision: 5 });
    });

    it('keeps a deleted row deleted: a late SAVE or SYNC at or below the DELETE revision cannot bring it back', async () => {
      const pk = randomUUID();
      await deliverAll([
        itemMessage('SAVE', pk, 0),
        itemMessage('SAVE', pk, 1),
        itemMessage('DELETE', pk, 2),
        itemMessage('SAVE', pk, 1, { name: 'late' }),
        itemMessage('SAVE', pk, 2, { name: 'equal' }),
        itemMessage('SYNC', pk, 1, { name: 'old sync' }),
      ]);
      expect(await copies().findOneBy({ id: pk })).toBeNull();
      const [tombstone] = await dataSourceOf(replica).query(
        `SELECT cqrs_revision FROM sync_tombstones WHERE cqrs_id = 'item' AND instance_pk = '${pk}'`,
      );
      expect(Number(tombstone.cqrs_revision)).toBe(2);
      // A newer revision is a new life of the instance (the master re-created the pk).
      await deliverAll([itemMessage('SAVE', pk, 3, { name: 'reborn' })]);
      expect(await copies().findOneByOrFail({ id: pk })).toMatchObject({ title: 'reborn', cqrsRevision: 3 });
      expect(eventsOf(pk)).toEqual(['create@0', 'update@1', 'delete@2', 'create@3']);
    });

    it('lets a SYNC overwrite any revision (django-cqrs), even an older one', async () => {
      const pk = randomUUID();
      await deliverAll([
        itemMessage('SAVE', pk, 4, { name: 'four' }),
        itemMessage('SYNC', pk, 4, { name: 'repaired' }),
      ]);
      expect(await copies().findOneByOrFail({ id: pk })).toMatchObject({
        title: 'repaired',
        cqrsRevision: 4,
      });
      await deliverAll([itemMessage('SYNC', pk, 2, { name: 'downgraded' })]);
      expect(await copies().findOneByOrFail({ id: pk })).toMatchObject({
        title: 'downgraded',
        cqrsRevision: 2,
      });
    });

    it('retries a failing apply with retries + 1 through the delay queue, then dead-letters it like django-cqrs', async () => {
      const pk = randomUUID();
      log.failingTitles.add('poison');
      await drainQueue(`dead_letter_${queue}`);
      const retried = await syncCounter(replica, METRICS.retried, 'item');
      await deliverAll([itemMessage('SAVE', pk, 0, { name: 'poison' })]);
      expect(await syncCounter(replica, METRICS.retried, 'item')).toBe(retried + 2);
      const [parked] = await drainQueue(`dead_letter_${queue}`);
      expect(parked.fields.routingKey).toBe(`cqrs.dead_letter_${queue}.item`);
      expect(parked.properties.expiration).toBe('864000000');
      expect(parked.properties.headers?.['x-death-reason']).toBe('retries-exhausted');
      const body = JSON.parse(parked.content.toString()) as { retries: number; instance_pk: string };
      expect(body).toMatchObject({ retries: 2, instance_pk: pk });
      expect(await copies().findOneBy({ id: pk })).toBeNull();

      // The consumer goes on; once the cause is gone the same message applies.
      log.failingTitles.delete('poison');
      await deliverAll([itemMessage('SAVE', pk, 0, { name: 'poison' })]);
      expect(await copies().findOneByOrFail({ id: pk })).toMatchObject({ title: 'poison' });
    });

    /** One channel, no wait between messages: the replica receives them as one burst. */
    async function deliverBurst(messages: Buffer[]): Promise<void> {
      const before = await settledEvents(replica, 'item');
      await withAdminConnection(async (connection) => {
        const channel = await connection.createConfirmChannel();
        for (const message of messages)
          channel.publish('cqrs', direct, message, { contentType: 'text/plain', persistent: true });
        await channel.waitForConfirms();
      });
      await waitFor(
        'the burst settled',
        async () => (await settledEvents(replica, 'item')) >= before + messages.length,
      );
    }

    it('applies a burst in shared transactions (group commit)', async () => {
      const pks = Array.from({ length: 40 }, () => randomUUID());
      await deliverBurst(pks.map((pk) => itemMessage('SAVE', pk, 0, { name: `burst-${pk}` })));
      expect(await copies().countBy({ id: In(pks) })).toBe(pks.length);
      // PostgreSQL gives each transaction its own query runner (SQLite has one for the process).
      const transactions = new Set(pks.map((pk) => log.transactionOf.get(pk)));
      expect(transactions.size).toBeLessThan(pks.length);
    });

    it('applies the rest of a batch when one event in it fails, and retries only that one', async () => {
      const pks = Array.from({ length: 40 }, () => randomUUID());
      const poison = pks[17];
      log.failingTitles.add('batch-poison');
      await drainQueue(`dead_letter_${queue}`);
      const retried = await syncCounter(replica, METRICS.retried, 'item');
      await deliverBurst(
        pks.map((pk) => itemMessage('SAVE', pk, 0, { name: pk === poison ? 'batch-poison' : `batch-${pk}` })),
      );
      const good = pks.filter((pk) => pk !== poison);
      expect(await copies().countBy({ id: In(good) })).toBe(good.length);
      expect(await copies().findOneBy({ id: poison })).toBeNull();
      // Only the poison was retried (SYNC_MAX_RETRIES 2) and parked: the batch it shared with the
      // others was applied again event by event, not failed as a whole.
      expect(await syncCounter(replica, METRICS.retried, 'item')).toBe(retried + 2);
      let parked: Awaited<ReturnType<typeof drainQueue>> = [];
      await waitFor('the poison parked', async () => {
        parked = [...parked, ...(await drainQueue(`dead_letter_${queue}`))];
        return parked.length >= 1;
      });
      expect(
        parked.map((m) => (JSON.parse(m.content.toString()) as { instance_pk: string }).instance_pk),
      ).toEqual([poison]);
      log.failingTitles.delete('batch-poison');
    });

    it('gives a dead letter replayed with bus:dlq a fresh retry budget, as cqrs_dead_letters retry does', async () => {
      const pk = randomUUID();
      const dlq = new AmqpDeadLetterQueue(TEST_AMQP_URL, new RetrySeal(TEST_SECRET_KEY));
      try {
        await drainQueue(`dead_letter_${queue}`);
        log.failingTitles.add('stubborn');
        const retried = await syncCounter(replica, METRICS.retried, 'item');
        await deliverAll([itemMessage('SAVE', pk, 0, { name: 'stubborn' })]);
        await waitFor('parked', async () => (await dlq.list(queue, 10)).length === 1);
        expect(await syncCounter(replica, METRICS.retried, 'item')).toBe(retried + 2);

        // Still failing: the replayed copy is retried twice again (retries back to 0), then parked.
        const settled = await settledEvents(replica, 'item');
        expect(await dlq.replay(queue, 10)).toBe(1);
        await waitFor('parked again', async () => (await settledEvents(replica, 'item')) > settled);
        expect(await syncCounter(replica, METRICS.retried, 'item')).toBe(retried + 4);
        await waitFor('in the DLQ again', async () => (await dlq.list(queue, 10)).length === 1);

        log.failingTitles.delete('stubborn');
        expect(await dlq.replay(queue, 10)).toBe(1);
        await waitFor('applied', async () => (await copies().findOneBy({ id: pk })) !== null);
        expect(await copies().findOneByOrFail({ id: pk })).toMatchObject({
          title: 'stubborn',
          cqrsRevision: 0,
        });
      } finally {
        log.failingTitles.delete('stubborn');
        await dlq.close();
      }
    });

    it('parks malformed bodies, unknown cqrs_ids and wrong types with a reason, and keeps consuming', async () => {
      await drainQueue(`dead_letter_${queue}`);
      const good = randomUUID();
      const bad = [
        ['unparsable-body', `cqrs.${queue}.item`, Buffer.from('{"signal_type": "SAVE", oops')],
        [
          'invalid-body',
          `cqrs.${queue}.item`,
          Buffer.from('{"signal_type":"SAVE","cqrs_id":"item","instance_data":{}}'),
        ],
        [
          'unknown-cqrs-id',
          `cqrs.${queue}.item`,
          Buffer.from('{"signal_type":"SAVE","cqrs_id":"nobody","instance_data":{"id":1},"instance_pk":1}'),
        ],
        [
          'invalid-data',
          `cqrs.${queue}.item`,
          Buffer.from(
            itemMessage('SAVE', randomUUID(), 0)
              .toString()
              .replace('"cqrs_revision":0', '"cqrs_revision":"x"'),
          ),
        ],
        [
          'invalid-data',
          `cqrs.${queue}.item`,
          Buffer.from(itemMessage('SAVE', randomUUID(), 0).toString().replace('"name":"Widget",', '')),
        ],
      ] as const;
      for (const [, key, content] of bad) await publishCqrs(key, content);
      await deliverAll([itemMessage('SAVE', good, 0, { name: 'after the bad ones' })]);
      expect(await copies().findOneByOrFail({ id: good })).toMatchObject({ title: 'after the bad ones' });
      let parked: Awaited<ReturnType<typeof drainQueue>> = [];
      await waitFor('five dead letters', async () => {
        parked = [...parked, ...(await drainQueue(`dead_letter_${queue}`))];
        return parked.length >= 5;
      });
      expect(parked.map((m) => String(m.properties.headers?.['x-death-reason'])).sort()).toEqual(
        bad.map(([reason]) => reason).sort(),
      );
      for (const message of parked) expect(String(message.properties.headers?.['x-last-error'])).not.toBe('');
      const unparsable = parked.find((m) => m.properties.headers?.['x-death-reason'] === 'unparsable-body')!;
      expect(unparsable.content.toString()).toBe('{"signal_type": "SAVE", oops');
    });
  },
);
