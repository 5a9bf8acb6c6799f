import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createDataSource } from '../../src/database/data-source';
import { runPendingMigrations } from '../../src/database/migrator';
import { Item } from '../../src/items/item.entity';
import { SqlParameters } from '../../src/sync/sql-values';
import { TABLES } from '../../src/sync/sync.constants';
import { requireBroker, sleep, TEST_AMQP_URL, uniqueName } from '../support/broker';
import { buildProgram, runCli } from '../../src/cli/cli';
import { CLI_ENTRY, CliRun, runCliProcess } from '../support/cli-process';
import { testDatabases, truncateTables } from '../support/database';
import { CqrsProbe } from '../support/sync-testbed';

// Real CLI processes against real databases and RabbitMQ; each process start costs seconds here.
jest.setTimeout(180_000);

const DAY = 86_400_000;
const hasBroker = requireBroker();

/** `sync:resync` and `sync:cleanup` with no app running: the CLI process does the work itself. */
describe.each(testDatabases())('npm run cli -- sync:* without a running app ($name)', (database) => {
  let url: string;
  let dataSource: DataSource;
  let env: Record<string, string>;
  const cli = (...args: string[]): Promise<CliRun> => runCliProcess(CLI_ENTRY, args, env);

  beforeAll(async () => {
    url = database.url();
    await truncateTables(url, ['items', TABLES.outbox, TABLES.inbox, TABLES.tombstones]);
    const settings =
      database.name === 'postgres'
        ? { type: 'postgres' as const, url }
        : { type: 'sqlite' as const, path: url.slice('sqlite:///'.length) };
    dataSource = await createDataSource({ database: settings, debug: false }, [Item]).initialize();
    await runPendingMigrations(dataSource);
    env = {
      DATABASE_URL: url,
      AMQP_URL: TEST_AMQP_URL,
      SERVICE_NAME: uniqueName('sync-cli'),
      JWT_DEV_KEYS_DIR: '/tmp/sync-cli-test-keys',
    };
  });
  afterAll(() => dataSource?.destroy());

  const pendingOutbox = async (): Promise<number> => {
    const [{ n }] = await dataSource.query<{ n: unknown }[]>(
      `SELECT COUNT(*) AS n FROM ${TABLES.outbox} WHERE sent_at IS NULL`,
    );
    return Number(n);
  };

  const describeBroker = hasBroker ? describe : describe.skip;
  describeBroker('sync:resync', () => {
    let probe: CqrsProbe;
    const items: Item[] = [];

    beforeAll(async () => {
      await dataSource.query(`DELETE FROM ${TABLES.outbox}`);
      for (let quantity = 1; quantity <= 6; quantity++)
        items.push(
          dataSource.getRepository(Item).create({
            id: randomUUID(),
            name: `resync ${quantity}`,
            description: '',
            quantity,
            cqrsRevision: quantity,
          }),
        );
      // Around the outbox on purpose (a resync reads the rows, whatever wrote them). TypeORM may
      // reorder the array it inserts, so the tests pick rows by quantity.
      await dataSource.getRepository(Item).insert(items);
      probe = new CqrsProbe();
      await probe.start([`cqrs.${probe.queue}.item`, 'item']);
    });
    afterAll(() => probe?.close());

    const ids = (filter: (item: Item) => boolean) =>
      items
        .filter(filter)
        .map((item) => item.id)
        .sort();
    const directTo = (queue: string) => (pk: string) =>
      probe.matching(pk).filter((m) => m.routingKey === `cqrs.${queue}.item`);

    it('sends only the rows of a Django lookup filter, as SYNC to one queue, and publishes them itself', async () => {
      const run = await cli(
        'sync:resync',
        'item',
        '--queue',
        probe.queue,
        '--filter',
        '{"quantity__gte": 4}',
        '--json',
      );
      expect(run).toMatchObject({ code: 0, stderr: '' });
      const wanted = ids((item) => item.quantity >= 4);
      expect(JSON.parse(run.stdout)).toEqual({
        cqrsId: 'item',
        queue: probe.queue,
        routingKey: `cqrs.${probe.queue}.item`,
        queued: 3,
        published: 3,
      });
      await probe.waitFor('3 SYNC messages', () =>
        wanted.every((pk) => directTo(probe.queue)(pk).length > 0),
      );
      await sleep(300); // anything else would have arrived with them
      const received = items
        .filter((item) => directTo(probe.queue)(item.id).length > 0)
        .map((item) => item.id);
      expect(received.sort()).toEqual(wanted);
      for (const pk of wanted) {
        const [message] = directTo(probe.queue)(pk);
        expect(directTo(probe.queue)(pk)).toHaveLength(1);
        expect(message.body).toMatchObject({
          signal_type: 'SYNC',
          cqrs_id: 'item',
          instance_pk: pk,
          retries: 0,
        });
        expect(message.body.instance_data).toMatchObject({
          id: pk,
          cqrs_revision: items.find((i) => i.id === pk)!.quantity,
        });
      }
      expect(await pendingOutbox()).toBe(0);
    });

    it('takes {"id__in": [...]} (and __lte) as Django does, and broadcasts without --queue', async () => {
      const [first, second, fifth] = [1, 2, 5].map((quantity) =>
        items.find((item) => item.quantity === quantity)!,
      );
      const chosen = [first.id, second.id, fifth.id];
      const filter = JSON.stringify({ id__in: chosen, quantity__lte: 2 });
      const run = await cli('sync:resync', 'item', '--filter', filter);
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout).toBe(
        'queued 2 SYNC message(s) of item for every replica (routing key item)\npublished 2 outbox row(s)\n',
      );
      const broadcast = (pk: string) => probe.matching(pk).filter((m) => m.routingKey === 'item');
      await probe.waitFor(
        '2 broadcast SYNCs',
        () => broadcast(first.id).length + broadcast(second.id).length >= 2,
      );
      await sleep(300);
      expect(broadcast(first.id)).toHaveLength(1);
      expect(broadcast(second.id)).toHaveLength(1);
      expect(broadcast(fifth.id)).toHaveLength(0);
    });

    it('with --no-publish leaves the messages in the outbox for the service relay', async () => {
      const run = await cli('sync:resync', 'item', '--queue', probe.queue, '--no-publish');
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout).toContain('queued 6 SYNC message(s) of item for queue');
      expect(run.stdout).toContain(
        "left them in the outbox: the service's relay publishes them (--no-publish)",
      );
      expect(await pendingOutbox()).toBe(6);
      await dataSource.query(`DELETE FROM ${TABLES.outbox}`);
    });
  });

  describe('sync:cleanup', () => {
    const ago = (ms: number) => new Date(Date.now() - ms);
    const dialect = () => (database.name === 'postgres' ? 'postgres' : 'sqlite');

    async function seed(): Promise<void> {
      for (const table of [TABLES.outbox, TABLES.inbox, TABLES.tombstones])
        await dataSource.query(`DELETE FROM ${table}`);
      const outbox: [string, Date, Date | null][] = [
        ['sent-30d', ago(30 * DAY), ago(30 * DAY)],
        ['sent-8d', ago(9 * DAY), ago(8 * DAY)],
        ['sent-2h', ago(3 * 3_600_000), ago(2 * 3_600_000)],
        ['pending-30d', ago(30 * DAY), null], // never published: never pruned
      ];
      for (const [pk, created, sent] of outbox) {
        const p = new SqlParameters(dialect());
        await dataSource.query(
          `INSERT INTO ${TABLES.outbox} (cqrs_id, instance_pk, signal_type, routing_key, partition, payload, ttl_seconds, created_at, sent_at)
           VALUES (${p.list(['item', pk, 'SAVE', 'item', 0, '{}', 86400, created, sent])})`,
          p.values,
        );
      }
      for (const [pk, age] of [
        ['old', 30 * DAY],
        ['8d', 8 * DAY],
        ['2h', 2 * 3_600_000],
        ['new', 0],
      ] as const) {
        const inbox = new SqlParameters(dialect());
        await dataSource.query(
          `INSERT INTO ${TABLES.inbox} (cqrs_id, instance_pk, signal_type, cqrs_revision, applied_at) VALUES (${inbox.list(['item', pk, 'SAVE', 1, ago(age)])})`,
          inbox.values,
        );
        const tombstone = new SqlParameters(dialect());
        await dataSource.query(
          `INSERT INTO ${TABLES.tombstones} (cqrs_id, instance_pk, cqrs_revision, deleted_at) VALUES (${tombstone.list(['item', pk, 2, ago(age)])})`,
          tombstone.values,
        );
      }
    }

    const left = async (table: string, column: string): Promise<string[]> =>
      (await dataSource.query<{ pk: string }[]>(`SELECT instance_pk AS pk FROM ${table} ORDER BY ${column}`))
        .map((r) => r.pk)
        .sort();

    it('deletes sent outbox rows, inbox rows and tombstones older than --older-than, and nothing else', async () => {
      await seed();
      const run = await runCliProcess(CLI_ENTRY, ['sync:cleanup', '--older-than', '7d'], env);
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout).toBe(
        'deleted 2 sent outbox row(s) older than 7d\ndeleted 2 inbox row(s) older than 7d\ndeleted 2 tombstone(s) older than 7d\n',
      );
      expect(await left(TABLES.outbox, 'id')).toEqual(['pending-30d', 'sent-2h']);
      expect(await left(TABLES.inbox, 'applied_at')).toEqual(['2h', 'new']);
      expect(await left(TABLES.tombstones, 'deleted_at')).toEqual(['2h', 'new']);
    });

    it('keeps inbox rows and tombstones for SYNC_MESSAGE_TTL + the retry budget even when asked for less', async () => {
      await seed();
      const run = await runCliProcess(CLI_ENTRY, ['sync:cleanup', '--older-than', '1h', '--json'], {
        ...env,
        SYNC_MESSAGE_TTL: '3h',
        SYNC_MAX_RETRIES: '30',
        SYNC_RETRY_DELAY: '2s',
      });
      expect(run).toMatchObject({ code: 0, stderr: '' });
      const report = JSON.parse(run.stdout);
      expect(report).toMatchObject({
        olderThanMs: 3_600_000,
        deleted: { outbox: 3, inbox: 2, tombstones: 2 },
        minimumRetentionMs: 3 * 3_600_000 + 60_000,
      });
      expect(await left(TABLES.outbox, 'id')).toEqual(['pending-30d']);
      // 2 hours old: past the asked hour, inside the 3h 1m minimum.
      expect(await left(TABLES.inbox, 'applied_at')).toEqual(['2h', 'new']);
      expect(await left(TABLES.tombstones, 'deleted_at')).toEqual(['2h', 'new']);
    });

    it('without --older-than takes SYNC_RETENTION, the window the scheduled prune-sync job uses too', async () => {
      const retention = {
        SYNC_RETENTION: '1h',
        SYNC_MESSAGE_TTL: '3h',
        SYNC_MAX_RETRIES: '30',
        SYNC_RETRY_DELAY: '2s',
      };
      await seed();
      const cleanup = await runCliProcess(CLI_ENTRY, ['sync:cleanup', '--json'], { ...env, ...retention });
      expect(cleanup).toMatchObject({ code: 0, stderr: '' });
      expect(JSON.parse(cleanup.stdout)).toMatchObject({
        olderThanMs: 3_600_000,
        deleted: { outbox: 3, inbox: 2, tombstones: 2 },
      });

      await seed();
      const job = await runCliProcess(CLI_ENTRY, ['jobs:run', 'prune-sync'], { ...env, ...retention });
      expect(job.code).toBe(0);
      expect(job.stdout).toMatch(
        /^job prune-sync succeeded .*deleted 3 sent outbox row\(s\), 2 inbox row\(s\), 2 tombstone\(s\)/m,
      );
      expect(await left(TABLES.outbox, 'id')).toEqual(['pending-30d']);
      expect(await left(TABLES.inbox, 'applied_at')).toEqual(['2h', 'new']);
      expect(await left(TABLES.tombstones, 'deleted_at')).toEqual(['2h', 'new']);
    });
  });
});

/** Wrong arguments: one line on stderr, exit 1, nothing on stdout. */
describe('npm run cli -- sync:* with bad arguments', () => {
  const env = {
    DATABASE_URL: testDatabases()[0].url(),
    JWT_DEV_KEYS_DIR: '/tmp/sync-cli-test-keys',
    MIGRATE_ON_START: 'false',
  };

  beforeAll(async () => {
    expect((await runCliProcess(CLI_ENTRY, ['migrate'], env)).code).toBe(0);
  });

  /**
   * `runCli` exactly as src/cli/cli.ts calls it, in this process with `env` swapped into the
   * environment (a process start costs seconds here; the cases below each have one of those too).
   */
  async function runInProcess(args: string[]): Promise<CliRun> {
    const added = { LOCAL_ENV_FILE: 'none', DEBUG: 'true', LOG_LEVEL: 'error', ...env };
    const saved = Object.fromEntries(Object.keys(added).map((name) => [name, process.env[name]]));
    Object.assign(process.env, added);
    let stdout = '';
    let stderr = '';
    const out = jest
      .spyOn(process.stdout, 'write')
      .mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
    const err = jest
      .spyOn(process.stderr, 'write')
      .mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
    try {
      const code = await runCli(args);
      return { code, stdout, stderr };
    } finally {
      out.mockRestore();
      err.mockRestore();
      process.exitCode = undefined;
      for (const [name, value] of Object.entries(saved))
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
    }
  }

  it.each([
    [
      ['sync:resync', 'nope'],
      'error: this service is not the master of cqrs_id "nope" (it masters: item, user)',
    ],
    [
      ['sync:resync', 'item', '--filter', '{"id__in": [1'],
      'error: --filter must be JSON, e.g. {"id__in": [1, 2]}',
    ],
    [
      ['sync:resync', 'item', '--filter', '[1, 2]'],
      'error: --filter must be a JSON object of lookups, e.g. {"id__in": [1, 2]}',
    ],
    [
      ['sync:resync', 'item', '--filter', '{"colour": "red"}'],
      'error: --filter: unknown field "colour" (fields: pk, cqrs_revision, cqrs_updated, id, name, description, quantity, created_at, updated_at)',
    ],
    [
      ['sync:resync', 'item', '--filter', '{"quantity__gte": "lots"}'],
      'error: --filter key "quantity__gte" needs a number, got "lots"',
    ],
    [
      ['sync:resync', 'item', '--filter', '{"name__icontains": "x"}'],
      'error: --filter key "name__icontains": lookup "icontains" is not supported (use exact, in, gt, gte, lt or lte)',
    ],
    [
      ['sync:resync', 'item', '--batch', '0'],
      "error: option '--batch <n>' argument '0' is invalid. must be a whole number from 1 to 100000",
    ],
    [['sync:diff', 'item'], "error: required option '--replica <queue>' not specified"],
    [
      ['sync:diff', 'item', '--replica', 'billing'],
      'error: sync:diff over the bus needs AMQP_URL: without a broker there is nothing to reach other services with',
    ],
    [
      [
        'sync:diff',
        'item',
        '--replica',
        'billing',
        '--replica-database-url',
        'mysql://x/y',
        '--replica-table',
        't',
      ],
      'error: --replica-database-url must look like postgres://user@host:5432/db or sqlite:///path/db.sqlite3',
    ],
    [
      ['sync:repair', 'item', '--replica', 'billing', '--replica-database-url', 'sqlite:///x.db'],
      'error: --replica-database-url needs --replica-table (the replica table, e.g. billing_item)',
    ],
    [
      ['sync:cleanup', '--older-than', 'soon'],
      "error: option '--older-than <duration>' argument 'soon' is invalid. must be a duration such as 90s, 30m, 12h, 7d or 2w",
    ],
  ])('%j', async (args, message) => {
    expect(await runInProcess(args)).toEqual({ code: 1, stdout: '', stderr: `${message}\n` });
  });

  it.each([
    [
      ['sync:resync', 'nope'],
      'error: this service is not the master of cqrs_id "nope" (it masters: item, user)',
    ],
    [['sync:diff', 'item'], "error: required option '--replica <queue>' not specified"],
    [['sync:diff-sync'], 'error: the diff stream is empty: line 1 must be "<cqrs_id>,<time>"'],
    [['sync:diff-replica'], 'error: the diff stream is empty: line 1 must be "<cqrs_id>,<time>"'],
  ])('%j (a real process)', async (args, message) => {
    expect(await runCliProcess(CLI_ENTRY, args, env)).toEqual({
      code: 1,
      stdout: '',
      stderr: `${message}\n`,
    });
  });

  it('documents every sync command in --help', async () => {
    const program = buildProgram();
    const commands = program.commands.filter((command) => command.name().startsWith('sync:'));
    expect(commands.map((command) => command.name())).toEqual([
      'sync:resync',
      'sync:diff',
      'sync:repair',
      'sync:diff-master',
      'sync:diff-replica',
      'sync:diff-sync',
      'sync:deleted-diff-replica',
      'sync:deleted-diff-master',
      'sync:deleted-sync-replica',
      'sync:cleanup',
    ]);
    for (const command of commands)
      expect(command.helpInformation()).toContain(`Usage: cli ${command.name()} [options]`);
    const run = await runCliProcess(CLI_ENTRY, ['sync:diff', '--help'], env);
    expect(run.code).toBe(0);
    expect(run.stdout.replace(/\s+/g, ' ')).toContain(
      'exits 0 when they match, 3 when they differ, 1 on errors',
    );
  });
});
