/**
 * `npm run test:faults [-- --events N]` (or FAULT_EVENTS=N): one scripted run of N data-sync
 * events (items on a master service → its replica service, two processes, real PostgreSQL and
 * RabbitMQ) while it restarts the broker, kills the replica with SIGKILL, restarts PostgreSQL and
 * kills the master between publish and mark. Then it counts both sides and runs the real
 * `sync:diff`. Exits 0 only when nothing was lost, nothing applied twice, nothing dead-lettered,
 * every fault happened and `sync:diff` found no difference.
 *
 * The servers are private (a PostgreSQL cluster and a RabbitMQ node of this run, torn down at the
 * end whatever happens): other test runs on the machine use the shared ones, which must not go
 * down under them.
 */
import { Client } from 'pg';
import { deadLetterQueueName } from '../../src/bus/bus.constants';
import { sleep } from '../support/broker';
import { CLI_ENTRY, runCliProcess } from '../support/cli-process';
import { PrivatePostgres, PrivateRabbitMq } from '../support/private-services';
import { APPLY_LOG_TABLE } from './apply-log';
import { changesIn, runItemStream, StreamPlan } from './item-stream';
import { ScenarioCounts, SyncPair } from './sync-pair';

const CRASHING_MASTER = '../test/faults/crash-after-publish.main.ts';
const DEFAULT_EVENTS = 100_000;
/** Each item: created, patched 4 times, every 4th deleted: 5.25 events an item. */
const UPDATES_PER_ITEM = 4;
const DELETE_EVERY = 4;
const CONCURRENCY = 8;
/** How long a stopped server stays down before it is started again. */
const DOWN_MS = 3_000;

/** When each fault is injected, as a share of the stream's requests answered. */
const FAULT_AT = { broker: 0.1, replica: 0.3, postgres: 0.5, masterCrashAtConfirm: 0.7 } as const;

function eventsWanted(argv: readonly string[]): number {
  const index = argv.indexOf('--events');
  const raw = index >= 0 ? argv[index + 1] : (process.env.FAULT_EVENTS ?? String(DEFAULT_EVENTS));
  const events = Number(raw);
  if (!Number.isInteger(events) || events < 1000 || events > 10_000_000)
    throw new Error(`--events / FAULT_EVENTS must be a whole number from 1000 to 10000000, not "${raw}"`);
  return events;
}

/** The smallest plan that makes at least `events` changes. */
function planFor(events: number): StreamPlan {
  const perItem = 1 + UPDATES_PER_ITEM + 1 / DELETE_EVERY;
  let items = Math.floor(events / perItem);
  const plan = (count: number): StreamPlan => ({
    items: count,
    updatesPerItem: UPDATES_PER_ITEM,
    deleteEvery: DELETE_EVERY,
    concurrency: CONCURRENCY,
    prefix: 'fault-run',
  });
  while (changesIn(plan(items)) < events) items++;
  return plan(items);
}

const started = Date.now();
function log(line: string): void {
  const seconds = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
  process.stdout.write(`[${seconds}s] ${line}\n`);
}

async function scalar(url: string, sql: string): Promise<number | null> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ n: string | null }>(sql);
    return Number(rows[0].n ?? 0);
  } catch {
    return null; // PostgreSQL is being restarted
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Outbox rows written and still unpublished on the master, applies on the replica. */
async function progress(pair: SyncPair): Promise<string> {
  const [outbox, unpublished, applied] = await Promise.all([
    scalar(pair.masterUrl, "SELECT COUNT(*) AS n FROM sync_outbox WHERE signal_type <> 'SYNC'"),
    scalar(pair.masterUrl, 'SELECT COUNT(*) AS n FROM sync_outbox WHERE sent_at IS NULL'),
    scalar(pair.replicaUrl, `SELECT COUNT(*) AS n FROM ${APPLY_LOG_TABLE}`),
  ]);
  const shown = (n: number | null): string => (n === null ? '?' : String(n));
  return `outbox ${shown(outbox)} (unpublished ${shown(unpublished)}), applied ${shown(applied)}`;
}

/** The faults, each once, in order, when the stream reaches its share. */
class FaultSchedule {
  readonly injected: string[] = [];
  private answered = 0;
  private running: Promise<void> = Promise.resolve();
  private failure: Error | null = null;
  private next = 0;
  private readonly steps: Array<{ at: number; name: string; inject: () => Promise<void> }>;

  constructor(pair: SyncPair, postgres: PrivatePostgres, broker: PrivateRabbitMq, requests: number) {
    this.steps = [
      {
        at: FAULT_AT.broker * requests,
        name: `broker restarted (stop_app, ${DOWN_MS} ms down, start_app)`,
        inject: () => broker.restart(DOWN_MS),
      },
      {
        at: FAULT_AT.replica * requests,
        name: 'replica killed with SIGKILL and started again',
        inject: async () => {
          await pair.kill(pair.replica);
          log('  replica killed (SIGKILL); starting it again');
          await sleep(DOWN_MS);
          await pair.startReplica();
        },
      },
      {
        at: FAULT_AT.postgres * requests,
        name: `PostgreSQL restarted (fast stop, ${DOWN_MS} ms down, start)`,
        inject: () => postgres.restart(DOWN_MS),
      },
    ];
  }

  /** Called on every answered request; starts the next fault when its time has come. */
  onAnswered(): void {
    this.answered++;
    const step = this.steps[this.next];
    if (!step || this.answered < step.at) return;
    this.next++;
    this.running = this.running
      .then(async () => {
        if (this.failure) return;
        log(`FAULT: ${step.name} ...`);
        const began = Date.now();
        await step.inject();
        this.injected.push(step.name);
        log(`FAULT: ${step.name}: done in ${Date.now() - began} ms`);
      })
      .catch((error: Error) => {
        this.failure ??= new Error(`fault "${step.name}" failed: ${error.message}`);
        log(this.failure.message);
      });
  }

  /** Waits for the faults under way; fails if one of them failed. */
  async settled(): Promise<void> {
    await this.running;
    if (this.failure) throw this.failure;
    if (this.next < this.steps.length)
      throw new Error(`only ${this.next} of ${this.steps.length} faults were injected`);
  }
}

/** A writer token, signed again every minute: the run outlives one token (5 minutes). */
function freshToken(pair: SyncPair): () => string {
  let token = pair.writerToken();
  let signedAt = Date.now();
  return () => {
    if (Date.now() - signedAt > 60_000) [token, signedAt] = [pair.writerToken(), Date.now()];
    return token;
  };
}

/** Until every committed event is published and in the replica's inbox (bounded). */
async function settle(pair: SyncPair, mark: number, timeoutMs: number): Promise<ScenarioCounts> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await pair.countSince(mark).catch(() => null);
    if (counts && counts.unpublished === 0 && counts.lost.length === 0) return counts;
    if (Date.now() > deadline) {
      if (counts) return counts; // reported as lost below
      throw new Error('could not count the events: PostgreSQL did not answer');
    }
    if (counts)
      log(`settling: ${counts.received}/${counts.committed} received, ${counts.unpublished} unpublished`);
    await sleep(5_000);
  }
}

interface DiffReport {
  readonly counts: { readonly total: number };
  readonly masterRows: number;
  readonly replicaRows: number;
}

async function syncDiff(
  pair: SyncPair,
): Promise<{ report: DiffReport | null; code: number | null; output: string }> {
  const run = await runCliProcess(
    CLI_ENTRY,
    ['sync:diff', 'item', '--replica', pair.replicaQueue, '--json', '--no-progress', '--limit', '20'],
    pair.masterEnv(),
  );
  const line = run.stdout.trim().split('\n').pop() ?? '';
  try {
    return { report: JSON.parse(line) as DiffReport, code: run.code, output: line };
  } catch {
    return { report: null, code: run.code, output: `${run.stdout}${run.stderr}`.slice(-2000) };
  }
}

async function main(): Promise<number> {
  const events = eventsWanted(process.argv);
  const plan = planFor(events);
  const requests = changesIn(plan);
  const crashAt = Math.round(FAULT_AT.masterCrashAtConfirm * requests);
  log(`fault run: ${requests} sync events (${plan.items} items), ${plan.concurrency} clients at once`);

  const postgres = new PrivatePostgres();
  const broker = new PrivateRabbitMq();
  let pair: SyncPair | null = null;
  const teardown = async (): Promise<void> => {
    await pair?.close().catch(() => undefined);
    await Promise.all([postgres.close(), broker.close()]);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      log(`${signal}: tearing down the private servers`);
      void teardown().finally(() => process.exit(130));
    });

  try {
    log('starting a private PostgreSQL cluster and a private RabbitMQ node');
    await Promise.all([postgres.start(), broker.start()]);
    log(`PostgreSQL on 127.0.0.1:${postgres.port}, RabbitMQ on 127.0.0.1:${broker.port}`);
    const runPair = new SyncPair({
      postgresServerUrl: postgres.serverUrl,
      amqpPort: broker.port,
      privateVhost: false,
      env: { LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error' },
    });
    pair = runPair;
    log(`starting the master (it kills itself at its ${crashAt}th confirmed publish) and the replica`);
    await runPair.start(CRASHING_MASTER, ['--crash-after-publish', String(crashAt)]);
    const mark = await runPair.outboxMark();

    // The master's crash between publish and mark: started again as the service ships.
    const crashing = runPair.master!;
    const masterCrash = new Promise<void>((resolve, reject) =>
      crashing.child.once('exit', (_code, signal) => {
        if (signal !== 'SIGKILL' || !crashing.output().includes('crash-after-publish:')) {
          reject(
            new Error(
              `the master exited (${signal}) but not at its crash point:\n${crashing.output().slice(-2000)}`,
            ),
          );
          return;
        }
        log(`FAULT: master killed between publish and mark (at its ${crashAt}th confirm); starting it again`);
        runPair.startMaster().then(() => {
          log('FAULT: master killed between publish and mark: it is back');
          resolve();
        }, reject);
      }),
    );
    masterCrash.catch(() => undefined); // awaited below; an early failure must not crash the run

    const faults = new FaultSchedule(runPair, postgres, broker, requests);
    let answered = 0;
    const ticker = setInterval(() => {
      void progress(runPair).then((line) => log(`${answered}/${requests} requests answered; ${line}`));
    }, 10_000);
    let retriedRequests = 0;
    try {
      ({ retriedRequests } = await runItemStream(
        runPair.masterBaseUrl,
        freshToken(runPair),
        plan,
        (done) => {
          answered = done;
          faults.onAnswered();
        },
        Math.max(600_000, requests * 50),
      ));
      log(`stream done: ${answered} requests answered (${retriedRequests} sent again after a failure)`);
      await faults.settled();
      await Promise.race([
        masterCrash,
        sleep(300_000).then(() => {
          throw new Error('the master never reached its crash point');
        }),
      ]);
      const counts = await settle(runPair, mark, Math.max(180_000, requests * 3));
      clearInterval(ticker);
      const deadLettered = await broker.queueDepth(deadLetterQueueName(runPair.replicaQueue));
      log('running sync:diff item --replica <replica queue> (the real CLI, over the bus)');
      const diff = await syncDiff(runPair);
      const tableDifferences = await runPair.differences();
      return report(counts, deadLettered, diff, tableDifferences.length, [
        ...faults.injected,
        'master killed between publish and mark (SIGKILL after a confirm, before the mark)',
      ]);
    } finally {
      clearInterval(ticker);
    }
  } finally {
    log('tearing down the services and the private servers');
    await teardown();
  }
}

function report(
  counts: ScenarioCounts,
  deadLettered: number,
  diff: Awaited<ReturnType<typeof syncDiff>>,
  tableDifferences: number,
  faults: string[],
): number {
  const duplicates = counts.droppedDuplicate;
  const problems: string[] = [];
  if (counts.lost.length > 0)
    problems.push(`${counts.lost.length} lost, e.g. ${counts.lost.slice(0, 5).join(', ')}`);
  if (counts.appliedTwice.length > 0)
    problems.push(
      `${counts.appliedTwice.length} applied twice, e.g. ${counts.appliedTwice.slice(0, 5).join(', ')}`,
    );
  if (counts.unpublished > 0) problems.push(`${counts.unpublished} never published`);
  if (deadLettered > 0) problems.push(`${deadLettered} dead-lettered`);
  if (counts.applied + counts.droppedStale !== counts.committed)
    problems.push(
      `applied ${counts.applied} + dropped stale ${counts.droppedStale} ≠ sent ${counts.committed}`,
    );
  if (diff.code !== 0 || !diff.report || diff.report.counts.total !== 0)
    problems.push(`sync:diff exited ${diff.code}: ${diff.output}`);
  if (tableDifferences > 0) problems.push(`${tableDifferences} rows differ by pk and revision`);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const lines = [
    '',
    'fault run summary',
    `  faults injected:         ${faults.length}`,
    ...faults.map((fault) => `    - ${fault}`),
    `  events sent:             ${counts.committed}`,
    `  events applied:          ${counts.applied}`,
    `  dropped as stale:        ${counts.droppedStale}`,
    `  duplicates dropped:      ${duplicates}`,
    `  dead-lettered:           ${deadLettered}`,
    `  lost:                    ${counts.lost.length}`,
    `  applied twice:           ${counts.appliedTwice.length}`,
    `  sync:diff:               ${diff.report ? `${diff.report.counts.total} differences (${diff.report.masterRows} master rows, ${diff.report.replicaRows} replica rows)` : 'no report'}`,
    `  duration:                ${seconds} s`,
    problems.length === 0 ? 'fault run: OK' : `fault run: FAILED: ${problems.join('; ')}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return problems.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stdout.write(`fault run: FAILED: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
