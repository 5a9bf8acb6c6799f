import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SyncCli } from '../../src/cli/commands/sync-context';
import { Item } from '../../src/items/item.entity';
import { loadSettings } from '../../src/settings/load-settings';
import { encodeCqrsBody, formatExpires, formatPythonDatetime } from '../../src/sync/cqrs-message';
import { MasterRepository } from '../../src/sync/master-repository';
import { insertOutboxRows } from '../../src/sync/outbox.table';
import { SqlParameters } from '../../src/sync/sql-values';
import { TABLES } from '../../src/sync/sync.constants';
import { SyncModule } from '../../src/sync/sync.module';
import { SyncRegistry } from '../../src/sync/sync.registry';
import { SyncedColumns } from '../../src/sync/synced-columns';
import {
  BrokerJanitor,
  requireBroker,
  RUN_ID,
  sleep,
  TEST_AMQP_URL,
  uniqueName,
  waitFor,
} from '../support/broker';
import {
  CLI_ENTRY,
  cliEnv,
  CliRun,
  finished,
  runCliProcess,
  startCli,
  SYNC_TEST_CLI_ENTRY,
} from '../support/cli-process';
import { testDatabases, truncateTables } from '../support/database';
import { testKeyPair } from '../support/keys';
import { PROJECT_ROOT } from '../support/spawn-service';
import {
  CqrsProbe,
  createItemCopiesTable,
  dataSourceOf,
  HookLog,
  ItemCopy,
  itemCopyReplica,
  publishCqrs,
  startTestApp,
  trackSyncQueues,
} from '../support/sync-testbed';
import { TestApp } from '../support/test-app';
import { nodeEntry } from '../support/test-build';

// Two apps and real CLI processes on a loaded 2-core machine: each process start costs seconds.
jest.setTimeout(240_000);

/** This run's own cqrs_id: runs sharing the broker never see each other's rows. */
const CQRS_ID = `item-${RUN_ID}`;

/** The master app also masters `items` as CQRS_ID (besides the template's `item`). */
function runItemMasterModule(): DynamicModule {
  @Module({})
  class RunItemMasterModule {}
  return {
    module: RunItemMasterModule,
    providers: [
      {
        provide: 'RUN_ITEM_MASTER',
        inject: [SyncRegistry],
        useFactory: (registry: SyncRegistry) => registry.addMaster({ cqrsId: CQRS_ID, entity: Item }),
      },
    ],
  };
}

/** The replica app keeps `test_item_copies` as the replica of CQRS_ID. */
function runItemReplicaModule(log: HookLog): DynamicModule {
  @Module({ imports: [TypeOrmModule.forFeature([ItemCopy])] })
  class RunItemCopiesModule {}
  return {
    module: RunItemCopiesModule,
    imports: [SyncModule.forReplica({ ...itemCopyReplica(log), cqrsId: CQRS_ID })],
  };
}

const describeBroker = requireBroker() ? describe : describe.skip;

describeBroker(
  'npm run cli -- sync:diff / sync:repair / the django-cqrs diff pipe, master and replica apps',
  () => {
    const janitor = new BrokerJanitor();
    const masterName = uniqueName('diff-master');
    const replicaQueue = uniqueName('diff-replica');
    const masterUrl = testDatabases().at(-1)!.url(); // PostgreSQL when it is there (always under CI)
    const replicaUrl = testDatabases()[0].url(); // a SQLite file
    let master: TestApp;
    let replica: TestApp;
    let masterDb: DataSource;
    let replicaDb: DataSource;
    const masterApp = { AMQP_URL: TEST_AMQP_URL, DATABASE_URL: masterUrl, SERVICE_NAME: masterName };
    const replicaApp = { AMQP_URL: TEST_AMQP_URL, DATABASE_URL: replicaUrl, SERVICE_NAME: replicaQueue };
    // The CLI processes run as `npm run cli` does (DEBUG, development keys) with the apps' settings.
    const cliOnly = { JWT_DEV_KEYS_DIR: '/tmp/sync-cli-test-keys', TEST_SYNC_CQRS_ID: CQRS_ID };
    const masterEnv = { ...masterApp, ...cliOnly };
    const replicaEnv = { ...replicaApp, ...cliOnly };
    const masterCli = (...args: string[]): Promise<CliRun> =>
      runCliProcess(SYNC_TEST_CLI_ENTRY, args, masterEnv);

    beforeAll(async () => {
      janitor.serviceQueue(masterName);
      trackSyncQueues(janitor, replicaQueue, [CQRS_ID]);
      // Other suites' rows on the run's PostgreSQL database would be published by the master's relay.
      await truncateTables(masterUrl, ['items', 'users', TABLES.outbox, TABLES.inbox, TABLES.tombstones]);
      master = await startTestApp(masterApp, undefined, [runItemMasterModule()]);
      replica = await startTestApp(replicaApp, undefined, [runItemReplicaModule(new HookLog())]);
      await createItemCopiesTable(replica);
      masterDb = dataSourceOf(master);
      replicaDb = dataSourceOf(replica);
    });

    afterAll(async () => {
      await replica?.close();
      await master?.close();
      await janitor.cleanup();
    });

    const writes = (): MasterRepository<Item> =>
      master.app.get(SyncRegistry).master(CQRS_ID) as unknown as MasterRepository<Item>;
    const revisions = async (dataSource: DataSource, entity: typeof Item | typeof ItemCopy) =>
      new Map(
        (await dataSource.getRepository<SyncedColumns & { id: string }>(entity).find()).map((row) => [
          row.id,
          row.cqrsRevision,
        ]),
      );
    const masterRevisions = () => revisions(masterDb, Item);
    const replicaRevisions = () => revisions(replicaDb, ItemCopy);
    const sorted = (entries: Map<string, number>) => [...entries].sort(([a], [b]) => a.localeCompare(b));

    async function converged(): Promise<void> {
      await waitFor(
        'the replica to hold what the master holds',
        async () =>
          JSON.stringify(sorted(await masterRevisions())) ===
          JSON.stringify(sorted(await replicaRevisions())),
        30_000,
      );
    }

    async function createItems(count: number, label: string): Promise<string[]> {
      const rows = await writes().createMany(
        Array.from({ length: count }, (_, n) => ({ id: randomUUID(), name: `${label} ${n}`, quantity: n })),
      );
      await converged();
      return rows.map((row) => row.id);
    }

    const byPk = <T extends { pk: unknown }>(rows: T[]) =>
      [...rows].sort((a, b) => String(a.pk).localeCompare(String(b.pk)));

    // Drift made in the first test and repaired in the second.
    const drift = { missing: [] as string[], ahead: '', behind: '', extra: [] as string[], lostDelete: '' };
    let replicaRevisionOf: Map<string, number>;

    it('reports exactly the rows missing on the replica, extra there, and at another revision (--json, table, exit 3)', async () => {
      const ids = await createItems(10, 'drift');
      await writes().update(ids[3], { quantity: 100 });
      await writes().update(ids[4], { quantity: 100 });
      await converged();
      const items = masterDb.getRepository(Item);
      const copies = replicaDb.getRepository(ItemCopy);

      // Missing on the replica: two copies deleted there behind its back, one master row written around the outbox.
      await copies.delete([ids[0], ids[1]]);
      const unsent = randomUUID();
      await items.insert({ id: unsent, name: 'never sent', description: '', quantity: 1 });
      drift.missing = [ids[0], ids[1], unsent];
      // Revisions: the replica ahead of the master on one row, behind on another.
      drift.ahead = ids[3];
      await copies.update(ids[3], { cqrsRevision: 7 });
      drift.behind = ids[5];
      await items.update(ids[5], { cqrsRevision: 3 });
      // Extra on the replica: master rows deleted around the outbox. For one of them the master did
      // publish a DELETE at revision 6, which the replica never got (lost, e.g. expired).
      drift.extra = [ids[8], ids[9]];
      drift.lostDelete = ids[9];
      await items.delete(drift.extra);
      await masterDb.transaction((manager) =>
        insertOutboxRows(manager, [
          {
            signalType: 'DELETE',
            cqrsId: CQRS_ID,
            instanceData: { id: ids[9], cqrs_revision: 6, cqrs_updated: formatPythonDatetime(new Date()) },
            previousData: null,
            instancePk: ids[9],
            correlationId: null,
            meta: {},
            routingKey: 'nowhere',
            ttlSeconds: 86_400,
          },
        ]),
      );
      const p = new SqlParameters(masterUrl.startsWith('postgres') ? 'postgres' : 'sqlite');
      await masterDb.query(
        `UPDATE ${TABLES.outbox} SET sent_at = ${p.add(new Date())} WHERE routing_key = 'nowhere'`,
        p.values,
      );
      replicaRevisionOf = await replicaRevisions();

      const json = await masterCli('sync:diff', CQRS_ID, '--replica', replicaQueue, '--json');
      expect(json).toMatchObject({ code: 3, stderr: '' });
      const report = JSON.parse(json.stdout) as Record<string, { pk: unknown }[]>;
      expect(report).toMatchObject({
        cqrsId: CQRS_ID,
        replica: `replica ${replicaQueue}`,
        masterRows: 9,
        replicaRows: 8,
        counts: { missingOnReplica: 3, extraOnReplica: 2, revisionDiffers: 2, total: 7 },
      });
      const onMaster = await masterRevisions();
      expect(byPk(report.missingOnReplica)).toEqual(
        byPk(drift.missing.map((pk) => ({ pk, masterRevision: onMaster.get(pk), replicaTombstone: null }))),
      );
      expect(byPk(report.extraOnReplica)).toEqual(
        byPk(drift.extra.map((pk) => ({ pk, replicaRevision: replicaRevisionOf.get(pk) }))),
      );
      expect(byPk(report.revisionDiffers)).toEqual(
        byPk([
          { pk: drift.ahead, masterRevision: 1, replicaRevision: 7 },
          { pk: drift.behind, masterRevision: 3, replicaRevision: 0 },
        ]),
      );

      const table = await masterCli('sync:diff', CQRS_ID, '--replica', replicaQueue);
      expect(table).toMatchObject({ code: 3, stderr: '' });
      const lines = table.stdout.split('\n');
      expect(lines[0]).toBe(`${CQRS_ID}: this master (9 rows) against replica ${replicaQueue} (8 rows)`);
      for (const [label, count] of [
        ['missing on replica', 3],
        ['extra on replica', 2],
        ['revision differs', 2],
        ['total', 7],
      ] as const)
        expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${label} +${count}$`)));
      for (const pk of drift.missing)
        expect(lines).toContainEqual(
          expect.stringMatching(new RegExp(`^missing on replica +${pk} +\\d+ +-$`)),
        );
      for (const pk of drift.extra)
        expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^extra on replica +${pk} +- +\\d+$`)));
      expect(lines).toContainEqual(
        expect.stringMatching(new RegExp(`^revision differs +${drift.ahead} +1 +7$`)),
      );
      expect(lines).toContain(`repair: npm run cli -- sync:repair ${CQRS_ID} --replica ${replicaQueue}`);
    });

    it('sync:repair sends that replica only what differs (SYNC, DELETE at a revision it accepts); sync:diff then reports 0', async () => {
      const probe = new CqrsProbe();
      await probe.start([CQRS_ID, `cqrs.${replicaQueue}.${CQRS_ID}`]);
      try {
        const run = await masterCli('sync:repair', CQRS_ID, '--replica', replicaQueue);
        expect(run).toMatchObject({ code: 0, stderr: '' });
        expect(run.stdout).toContain(
          `${CQRS_ID}: 7 difference(s) with replica ${replicaQueue} (3 missing there, 2 extra there, 2 at another revision)\n` +
            `queued 5 SYNC and 2 DELETE message(s) for cqrs.${replicaQueue}.${CQRS_ID}\n`,
        );
        await converged();
        await probe.waitFor('the 7 repair messages', () => probe.received.length >= 7);
        await sleep(500); // anything more would have come with them
        const sent = probe.received.map((m) => [m.routingKey, m.body.signal_type, m.body.instance_pk]);
        const direct = `cqrs.${replicaQueue}.${CQRS_ID}`;
        expect(sent.sort()).toEqual(
          [
            ...[...drift.missing, drift.ahead, drift.behind].map((pk) => [direct, 'SYNC', pk]),
            ...drift.extra.map((pk) => [direct, 'DELETE', pk]),
          ].sort(),
        );
        // The DELETE's revision: the replica's + 1, or the master's own lost DELETE (6) when higher.
        const deleteRevision = (pk: string) =>
          (
            probe.received.find((m) => m.body.instance_pk === pk && m.body.signal_type === 'DELETE')!.body
              .instance_data as { cqrs_revision: number }
          ).cqrs_revision;
        const [plainExtra] = drift.extra.filter((pk) => pk !== drift.lostDelete);
        expect(deleteRevision(plainExtra)).toBe(replicaRevisionOf.get(plainExtra)! + 1);
        expect(deleteRevision(drift.lostDelete)).toBe(6);
        const tombstones = new Map(
          (
            await replicaDb.query<{ instance_pk: string; cqrs_revision: number }[]>(
              `SELECT instance_pk, cqrs_revision FROM ${TABLES.tombstones} WHERE cqrs_id = ?`,
              [CQRS_ID],
            )
          ).map((row) => [row.instance_pk, Number(row.cqrs_revision)]),
        );
        expect(tombstones.get(drift.lostDelete)).toBe(6);
      } finally {
        await probe.close();
      }

      const json = await masterCli('sync:diff', CQRS_ID, '--replica', replicaQueue, '--json');
      expect(json).toMatchObject({ code: 0, stderr: '' });
      expect(JSON.parse(json.stdout)).toMatchObject({
        masterRows: 9,
        replicaRows: 9,
        counts: { total: 0 },
        missingOnReplica: [],
        extraOnReplica: [],
        revisionDiffers: [],
      });

      // A late SAVE of the row the master deleted at 6 (still in a retry queue, say) stays dead.
      const late = {
        signal_type: 'SAVE' as const,
        cqrs_id: CQRS_ID,
        instance_data: {
          id: drift.lostDelete,
          name: 'zombie',
          quantity: 1,
          cqrs_revision: 5,
          cqrs_updated: formatPythonDatetime(new Date()),
        },
        previous_data: null,
        instance_pk: drift.lostDelete,
        correlation_id: null,
        retries: 0,
        expires: formatExpires(new Date(Date.now() + 60_000)),
        meta: {},
      };
      await publishCqrs(`cqrs.${replicaQueue}.${CQRS_ID}`, encodeCqrsBody(late));
      await waitFor('the late SAVE to be handled', async () => {
        const rows = await replicaDb.query<unknown[]>(
          `SELECT 1 FROM ${TABLES.inbox} WHERE cqrs_id = ? AND instance_pk = ? AND cqrs_revision = 5`,
          [CQRS_ID, drift.lostDelete],
        );
        return rows.length > 0;
      });
      expect(await replicaDb.getRepository(ItemCopy).findOneBy({ id: drift.lostDelete })).toBeNull();
    });

    it('runs the django-cqrs pipe in its exact line formats: sync:diff-master | sync:diff-replica | sync:diff-sync', async () => {
      const ids = await createItems(3, 'pipe');
      await replicaDb.getRepository(ItemCopy).delete(ids[0]);
      await replicaDb.getRepository(ItemCopy).update(ids[1], { cqrsRevision: 9 });
      await masterDb.getRepository(Item).delete(ids[2]); // extra on the replica: the pipe does not see these
      const masterRows = await masterRevisions();

      const diffMaster = startCli(
        SYNC_TEST_CLI_ENTRY,
        ['sync:diff-master', CQRS_ID, '--batch', '4'],
        masterEnv,
      );
      const diffReplica = startCli(SYNC_TEST_CLI_ENTRY, ['sync:diff-replica'], replicaEnv);
      const diffSync = startCli(SYNC_TEST_CLI_ENTRY, ['sync:diff-sync'], masterEnv);
      diffMaster.stdout!.pipe(diffReplica.stdin!);
      diffReplica.stdout!.pipe(diffSync.stdin!);
      const [fromMaster, fromReplica, synced] = await Promise.all([
        finished(diffMaster),
        finished(diffReplica),
        finished(diffSync),
      ]);

      expect(fromMaster).toMatchObject({ code: 0, stderr: '' });
      const masterLines = fromMaster.stdout.split('\n');
      expect(masterLines.pop()).toBe('');
      const header = masterLines[0];
      expect(header).toMatch(
        new RegExp(`^${CQRS_ID},\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(\\.\\d{6})?\\+00:00$`),
      );
      const packages = masterLines.slice(1).map((line) => JSON.parse(line) as [string, number][]);
      expect(packages).toHaveLength(Math.ceil(masterRows.size / 4));
      expect(packages.every((pairs) => pairs.length <= 4)).toBe(true);
      expect(sorted(new Map(packages.flat()))).toEqual(sorted(masterRows));
      expect(masterLines.slice(1).every((line) => !line.includes(' '))).toBe(true); // compact, as ujson writes

      expect(fromReplica.code).toBe(0);
      const replicaLines = fromReplica.stdout.split('\n');
      expect(replicaLines.pop()).toBe('');
      expect(replicaLines[0]).toBe(`${header},${replicaQueue}`);
      expect(
        replicaLines
          .slice(1)
          .flatMap((line) => JSON.parse(line) as string[])
          .sort(),
      ).toEqual([ids[0], ids[1]].sort());
      expect(fromReplica.stderr).toMatch(/^PK to resync: \{'[0-9a-f-]{36}'(, '[0-9a-f-]{36}')?\}$/m);

      expect(synced).toMatchObject({ code: 0, stderr: '' });
      expect(synced.stdout).toMatch(
        new RegExp(
          `^queued 2 SYNC message\\(s\\) of ${CQRS_ID} for queue ${replicaQueue}; published \\d+ outbox row\\(s\\)\\n$`,
        ),
      );
      await waitFor(
        'the replica to hold the re-sent rows',
        async () => {
          const copies = await replicaRevisions();
          return (
            copies.get(ids[0]) === masterRows.get(ids[0]) && copies.get(ids[1]) === masterRows.get(ids[1])
          );
        },
        30_000,
      );
    });

    it('runs the django-cqrs pipe for deleted rows: sync:deleted-diff-replica | sync:deleted-diff-master | sync:deleted-sync-replica', async () => {
      const onMaster = await masterRevisions();
      const copies = await replicaRevisions();
      const onlyOnReplica = [...copies.keys()].filter((pk) => !onMaster.has(pk));
      expect(onlyOnReplica).toHaveLength(1); // left by the pipe test above

      const listReplica = startCli(
        SYNC_TEST_CLI_ENTRY,
        ['sync:deleted-diff-replica', CQRS_ID, '--batch', '4'],
        replicaEnv,
      );
      const checkMaster = startCli(SYNC_TEST_CLI_ENTRY, ['sync:deleted-diff-master'], masterEnv);
      const deleteThere = startCli(SYNC_TEST_CLI_ENTRY, ['sync:deleted-sync-replica'], replicaEnv);
      listReplica.stdout!.pipe(checkMaster.stdin!);
      checkMaster.stdout!.pipe(deleteThere.stdin!);
      const [listed, checked, deleted] = await Promise.all([
        finished(listReplica),
        finished(checkMaster),
        finished(deleteThere),
      ]);

      expect(listed).toMatchObject({ code: 0, stderr: '' });
      const lines = listed.stdout.split('\n');
      expect(lines.pop()).toBe('');
      expect(lines[0]).toMatch(
        new RegExp(`^${CQRS_ID},\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(\\.\\d{6})?\\+00:00$`),
      );
      expect(
        lines
          .slice(1)
          .flatMap((line) => JSON.parse(line) as string[])
          .sort(),
      ).toEqual([...copies.keys()].sort());
      expect(checked.code).toBe(0);
      expect(checked.stdout).toBe(`${lines[0]}\n${JSON.stringify(onlyOnReplica)}\n`);
      expect(checked.stderr).toBe(`PK to delete: ['${onlyOnReplica[0]}']\n`);
      expect(deleted).toEqual({
        code: 0,
        stdout: `deleted 1 row(s) of ${CQRS_ID}, each with a tombstone\n`,
        stderr: '',
      });
      await converged();
      const [tombstone] = await replicaDb.query<{ cqrs_revision: number }[]>(
        `SELECT cqrs_revision FROM ${TABLES.tombstones} WHERE cqrs_id = ? AND instance_pk = ?`,
        [CQRS_ID, onlyOnReplica[0]],
      );
      expect(Number(tombstone.cqrs_revision)).toBe(copies.get(onlyOnReplica[0])! + 1);
    });

    it('reads a replica table directly with --replica-database-url, and repairs from it', async () => {
      const [gone, changed] = await createItems(2, 'url');
      await masterDb.getRepository(Item).delete(gone);
      await replicaDb.getRepository(ItemCopy).update(changed, { cqrsRevision: 4 });
      const source = ['--replica-database-url', replicaUrl, '--replica-table', 'test_item_copies'];

      const diff = await masterCli('sync:diff', CQRS_ID, '--replica', replicaQueue, ...source, '--json');
      expect(diff).toMatchObject({ code: 3, stderr: '' });
      expect(JSON.parse(diff.stdout)).toMatchObject({
        replica: `replica ${replicaQueue} (database)`,
        counts: { missingOnReplica: 0, extraOnReplica: 1, revisionDiffers: 1, total: 2 },
        extraOnReplica: [{ pk: gone, replicaRevision: 0 }],
        revisionDiffers: [{ pk: changed, masterRevision: 0, replicaRevision: 4 }],
      });

      const repair = await masterCli('sync:repair', CQRS_ID, '--replica', replicaQueue, ...source, '--json');
      expect(repair).toMatchObject({ code: 0, stderr: '' });
      expect(JSON.parse(repair.stdout)).toMatchObject({ synced: 1, deleted: 1, blocked: [], reappeared: [] });
      await converged();
    });

    it('fails with one line when the replica does not answer, or has no replica of the cqrs_id', async () => {
      const nobody = await runCliProcess(
        SYNC_TEST_CLI_ENTRY,
        ['sync:diff', CQRS_ID, '--replica', uniqueName('nobody')],
        { ...masterEnv, BUS_REQUEST_TIMEOUT: '1s' },
      );
      expect(nobody.code).toBe(1);
      expect(nobody.stdout).toBe('');
      expect(nobody.stderr).toMatch(
        /^error: replica test-nobody-\S+ did not answer sync\.revisions\.\S+ within 1000 ms: is it running and built from this template\? .*\n$/,
      );

      const wrongId = await runCliProcess(
        CLI_ENTRY,
        ['sync:diff', 'item', '--replica', replicaQueue],
        masterEnv,
      );
      expect(wrongId).toEqual({
        code: 1,
        stdout: '',
        stderr: `error: replica ${replicaQueue} refused the request: "sync.revisions.${replicaQueue}" failed remotely (InvalidRevisionsRequestError): service ${replicaQueue} has no replica of cqrs_id "item"\n`,
      });
    });

    it('draws progress bars on a terminal (stderr), and none otherwise', async () => {
      // `script` gives the CLI a pseudo-terminal; every other test runs it without one and sees an empty stderr.
      const command = [
        process.execPath,
        ...nodeEntry(SYNC_TEST_CLI_ENTRY),
        'sync:diff',
        CQRS_ID,
        '--replica',
        replicaQueue,
      ]
        .map((word) => `'${word}'`)
        .join(' ');
      const child = spawn('script', ['-qec', command, '/dev/null'], {
        cwd: PROJECT_ROOT,
        env: cliEnv(masterEnv),
      });
      const run = await finished(child);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/master rows +\[[█░]+\] 100% \| \d+\/\d+/);
      expect(run.stdout).toMatch(/replica rows +\[[█░]+\] 100% \| \d+\/\d+/);
    });

    it("the CLI knows the same masters and replicas as the app (the template's, from its settings)", async () => {
      const ofApp = (app: TestApp) => {
        const registry = app.app.get(SyncRegistry);
        return {
          masters: registry.masterIds.filter((id) => id !== CQRS_ID).sort(),
          replicas: registry.replicaIds.filter((id) => id !== CQRS_ID).sort(),
        };
      };
      const ofCli = async (env: Record<string, string>) => {
        const cli = await SyncCli.open(
          loadSettings({
            localEnvFile: null,
            env: { DEBUG: 'true', JWT_DEV_KEYS_DIR: '/tmp/sync-cli-test-keys', ...env },
          }),
        );
        try {
          return { masters: cli.registry.masterIds.sort(), replicas: cli.registry.replicaIds.sort() };
        } finally {
          await cli.close();
        }
      };
      expect(await ofCli({ DATABASE_URL: masterUrl })).toEqual(ofApp(master));
      const keys = testKeyPair();
      const verifyOnlyUrl = testDatabases()[0].url();
      const verifyOnly = await startTestApp({
        DATABASE_URL: verifyOnlyUrl,
        AMQP_URL: 'None',
        JWT_SIGN_KEY: '0',
        JWT_VERIFY_KEY: keys.publicKey,
      });
      try {
        expect(
          await ofCli({ DATABASE_URL: verifyOnlyUrl, JWT_SIGN_KEY: '0', JWT_VERIFY_KEY: keys.publicKey }),
        ).toEqual(ofApp(verifyOnly));
        expect(ofApp(verifyOnly)).toEqual({ masters: ['item'], replicas: ['user'] });
      } finally {
        await verifyOnly.close();
      }
      // ITEMS_SYNC=replica: the CLI compares against this service's copy of `item`, as the app fills it.
      const itemsReplicaApp = {
        DATABASE_URL: testDatabases()[0].url(),
        AMQP_URL: TEST_AMQP_URL,
        SERVICE_NAME: uniqueName('diff-items-replica'),
        ITEMS_SYNC: 'replica',
      };
      trackSyncQueues(janitor, itemsReplicaApp.SERVICE_NAME, ['item']);
      const itemsReplica = await startTestApp(itemsReplicaApp);
      try {
        expect(await ofCli(itemsReplicaApp)).toEqual(ofApp(itemsReplica));
        expect(ofApp(itemsReplica)).toEqual({ masters: ['user'], replicas: ['item'] });
      } finally {
        await itemsReplica.close();
      }
    });
  },
);
