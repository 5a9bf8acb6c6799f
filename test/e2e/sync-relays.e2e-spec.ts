import { randomUUID } from 'node:crypto';
import { Item } from '../../src/items/item.entity';
import { MasterRepository } from '../../src/sync/master-repository';
import { masterRepositoryToken } from '../../src/sync/sync.module';
import { METRICS } from '../../src/sync/sync.constants';
import { CqrsBody } from '../../src/sync/cqrs-message';
import { requireBroker, TEST_AMQP_URL, uniqueName, waitFor } from '../support/broker';
import { createScratchDatabase, POSTGRES_URL_VARIABLE } from '../support/database';
import { CqrsProbe, syncCounter } from '../support/sync-testbed';
import { startTestApp, TestApp } from '../support/test-app';

jest.setTimeout(120_000);

const INSTANCES = 12;
const UPDATES = 25;

const hasPostgres = Boolean(process.env[POSTGRES_URL_VARIABLE]);
const describeBoth = requireBroker() && hasPostgres ? describe : describe.skip;
if (!hasPostgres && process.env.CI === 'true')
  throw new Error('CI=true: the multi-relay test needs PostgreSQL');

/**
 * Two replicas of one master service on one PostgreSQL database, both running the relay, while
 * both write the same rows concurrently: every instance's revisions must reach a consumer once
 * each and in order, whichever relay published them.
 */
describeBoth('data sync: two relays on one PostgreSQL database', () => {
  const probe = new CqrsProbe();
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  let first: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    database = await createScratchDatabase('relays');
    const url = database.url;
    await probe.start(['item']);
    const service = uniqueName('relays');
    // Small batches so both relays take many turns.
    const env = { DATABASE_URL: url, AMQP_URL: TEST_AMQP_URL, SERVICE_NAME: service, SYNC_RELAY_BATCH: '20' };
    first = await startTestApp(env);
    second = await startTestApp(env);
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    await probe.close();
    await database?.drop();
  });

  it('publishes every revision of every instance exactly once and in order, from both relays', async () => {
    const repositories = [first, second].map((app) =>
      app.app.get<MasterRepository<Item>>(masterRepositoryToken(Item)),
    );
    const ids = Array.from({ length: INSTANCES }, () => randomUUID());
    await repositories[0].createMany(ids.map((id) => ({ id, name: 'relay race' })));
    // Both services update every row, interleaved and concurrent: the row lock orders them.
    await Promise.all(
      repositories.map(async (repository, side) => {
        for (let round = 0; round < UPDATES; round++)
          await Promise.all(ids.map((id) => repository.update(id, { quantity: round * 2 + side })));
      }),
    );
    const expected = UPDATES * 2 + 1;
    await waitFor(
      'every revision at the consumer',
      () => ids.every((id) => probe.matching(id).length >= expected),
      60_000,
    );
    for (const id of ids) {
      const revisions = probe
        .matching(id)
        .map((m) => (m.body as unknown as CqrsBody).instance_data.cqrs_revision);
      expect(revisions).toEqual(Array.from({ length: expected }, (_, n) => n));
    }
    const published = await Promise.all(
      [first, second].map((app) => syncCounter(app, METRICS.published, 'item')),
    );
    expect(published[0] + published[1]).toBe(INSTANCES * expected);
    // Both relays took part (the second is woken by NOTIFY for rows the first one wrote too).
    expect(Math.min(...published)).toBeGreaterThan(0);
  });
});
