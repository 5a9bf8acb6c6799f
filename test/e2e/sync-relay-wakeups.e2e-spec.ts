import { randomUUID } from 'node:crypto';
import { Item } from '../../src/items/item.entity';
import { MasterRepository } from '../../src/sync/master-repository';
import { OutboxRelay } from '../../src/sync/outbox-relay.service';
import { masterRepositoryToken } from '../../src/sync/sync.module';
import { requireBroker, TEST_AMQP_URL, uniqueName, waitFor } from '../support/broker';
import { createScratchDatabase, POSTGRES_URL_VARIABLE } from '../support/database';
import { CqrsProbe } from '../support/sync-testbed';
import { startTestApp, TestApp } from '../support/test-app';

jest.setTimeout(120_000);

const COMMITS = 15;

const hasPostgres = Boolean(process.env[POSTGRES_URL_VARIABLE]);
const describeBoth = requireBroker() && hasPostgres ? describe : describe.skip;
if (!hasPostgres && process.env.CI === 'true')
  throw new Error('CI=true: the relay wake-up test needs PostgreSQL');

/** The relay's passes, counted on the instance (`pass` is what its lanes run). */
function countPasses(relay: OutboxRelay): { readonly count: number } {
  const target = relay as unknown as { pass: () => Promise<unknown> };
  const original = target.pass.bind(relay);
  const counter = { count: 0 };
  target.pass = () => {
    counter.count += 1;
    return original();
  };
  return counter;
}

/**
 * What one commit costs the relays, in passes (each a transaction of three statements or more on
 * PostgreSQL): the writing process's relay, woken in-process, runs one pass, and ignores its own
 * NOTIFY; another process's relay, woken by the NOTIFY, runs one. Waking every lane, and another
 * pass after every productive one, ran five or more passes per commit in one process alone.
 */
describeBoth('data sync: relay wake-ups per commit (PostgreSQL)', () => {
  const probe = new CqrsProbe();
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  let writer: TestApp;
  let other: TestApp;

  beforeAll(async () => {
    database = await createScratchDatabase('relay_wakeups');
    await probe.start(['item']);
    // No fallback poll during the test: every pass counted was woken by a commit.
    const env = {
      DATABASE_URL: database.url,
      AMQP_URL: TEST_AMQP_URL,
      SERVICE_NAME: uniqueName('wakeups'),
      SYNC_RELAY_POLL: '1h',
    };
    writer = await startTestApp(env);
    other = await startTestApp(env);
  });
  afterAll(async () => {
    await writer?.close();
    await other?.close();
    await probe.close();
    await database?.drop();
  });

  it('runs one pass in the writing process and one in another per single-change commit', async () => {
    const items = writer.app.get<MasterRepository<Item>>(masterRepositoryToken(Item));
    // The start-up passes are over once a first commit went through.
    const first = randomUUID();
    await items.create({ id: first, name: 'warm-up' });
    await waitFor('the warm-up item at the consumer', () => probe.matching(first).length === 1, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const writerPasses = countPasses(writer.app.get(OutboxRelay));
    const otherPasses = countPasses(other.app.get(OutboxRelay));
    for (let n = 0; n < COMMITS; n++) {
      const id = randomUUID();
      await items.create({ id, name: `wake-up ${n}` });
      await waitFor(`item ${n} at the consumer`, () => probe.matching(id).length === 1, 30_000);
      // The other process's NOTIFY-driven pass, which may come after the publish, ends too.
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(writerPasses.count).toBe(COMMITS);
    expect(otherPasses.count).toBe(COMMITS);
  });
});
