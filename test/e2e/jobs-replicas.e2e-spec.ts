import { readFileSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { JOB_ALREADY_RUNNING_EXIT_CODE } from '../../src/jobs/jobs.constants';
import { sleep, waitFor } from '../support/broker';
import { POSTGRES_SERVER_URL, POSTGRES_URL_VARIABLE } from '../support/database';
import { ProbeRecord, RELEASE_FILE } from '../support/jobs-probe.module';
import { testKeyPair } from '../support/keys';
import { freePort } from '../support/ports';
import { RunningService, spawnService, waitForStatus } from '../support/spawn-service';

/** A run as the test reads it back: times as epoch milliseconds, so no time-zone parsing is involved. */
interface RunRow {
  id: string;
  scheduled: number | null;
  started: number;
  finished: number | null;
  outcome: string;
  error: string | null;
  instance: string;
  triggered_by: string;
}

const hasPostgres = Boolean(process.env[POSTGRES_URL_VARIABLE]);
if (!hasPostgres) console.warn('PostgreSQL unreachable: the multi-process jobs suite is left out');

/**
 * The claim across real processes: three copies of the app (src/main.ts plus the probe jobs of
 * test/support/jobs-probe.module.ts) on one fresh PostgreSQL database, and the CLI beside them.
 */
(hasPostgres ? describe : describe.skip)('jobs: three app processes on one PostgreSQL database', () => {
  const databaseName = `test_jobs_${process.pid}_${Date.now()}`;
  const databaseUrl = Object.assign(new URL(POSTGRES_SERVER_URL), {
    pathname: `/${databaseName}`,
  }).toString();
  const dir = mkdtempSync(join(tmpdir(), 'jobs-replicas-'));
  const apps: RunningService[] = [];
  const ports: number[] = [];
  /** The instance test 2 kills with SIGKILL: its runs in flight stay unfinished on purpose. */
  let killedInstance = '';
  let db: Client;

  const env = {
    DEBUG: 'false',
    SECRET_KEY: 'test-secret-key-that-is-long-enough-0123456789',
    JWT_SIGN_KEY: testKeyPair().privateKey,
    JWT_VERIFY_KEY: testKeyPair().publicKey,
    DATABASE_URL: databaseUrl,
    MIGRATE_ON_START: 'true',
    LOG_LEVEL: 'warn',
    SHUTDOWN_TIMEOUT: '4',
    METRICS_PORT: 'main', // each replica is scraped on its PORT
    PROBE_DIR: dir,
    JOB_PROBE_ENABLED: 'true', // every second, 200 ms
    JOB_PROBE_HOLD_ENABLED: 'true', // every 2 s, holds its claim until the release file exists
  };
  const runs = async (where: string, params: unknown[] = []): Promise<RunRow[]> =>
    (
      await db.query<RunRow>(
        `SELECT id, outcome, error, instance, triggered_by,
                (EXTRACT(EPOCH FROM scheduled_at) * 1000)::float8 AS scheduled,
                (EXTRACT(EPOCH FROM started_at) * 1000)::float8 AS started,
                (EXTRACT(EPOCH FROM finished_at) * 1000)::float8 AS finished
           FROM job_runs WHERE ${where} ORDER BY started_at`,
        params,
      )
    ).rows;
  const runningHold = async (): Promise<RunRow> => {
    let row: RunRow | undefined;
    await waitFor('a running probe-hold', async () => {
      [row] = await runs(`job_name = 'probe-hold' AND outcome = 'running'`);
      return row !== undefined;
    });
    return row!;
  };
  const cli = (args: string[]) => spawnService('../test/support/jobs-cli.ts', env, args);
  const live = () => apps.filter((app) => app.child.exitCode === null && app.child.signalCode === null);

  beforeAll(async () => {
    const admin = new Client({ connectionString: POSTGRES_SERVER_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${databaseName}"`);
    await admin.end();
    ports.push(await freePort(), await freePort(), await freePort());
    for (const port of ports)
      apps.push(spawnService('../test/support/jobs-app.ts', { ...env, PORT: String(port) }));
    await Promise.all(
      ports.map((port) => waitForStatus(`http://127.0.0.1:${port}/health/ready`, 200, 150_000)),
    );
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
  }, 180_000);

  afterAll(async () => {
    for (const app of live()) app.child.kill('SIGKILL');
    await Promise.all(apps.map((app) => app.exited(10_000)));
    await db?.end();
    const admin = new Client({ connectionString: POSTGRES_SERVER_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
    await admin.end();
  });

  it('runs each tick of a one-second job exactly once, and never two runs at once', async () => {
    const from = Date.now();
    await sleep(9000);
    const to = Date.now();
    // Ticks that certainly fired and finished inside the window.
    const ticks: number[] = [];
    for (let tick = Math.ceil((from + 1000) / 1000) * 1000; tick <= to - 1000; tick += 1000) ticks.push(tick);

    const executions = readFileSync(join(dir, 'probe.log'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as ProbeRecord)
      .filter((record) => record.job === 'probe');
    const timesRun = (tick: number) =>
      executions.filter((record) => Date.parse(record.scheduledAt!) === tick).length;
    expect(ticks.filter((tick) => timesRun(tick) !== 1)).toEqual([]); // none missed, none twice

    const all = await runs(`job_name = 'probe'`);
    const window = all.filter((run) => ticks.includes(run.scheduled!));
    expect(window.map((run) => run.scheduled)).toEqual(ticks);
    expect(window.every((run) => run.outcome === 'succeeded' && run.triggered_by === 'schedule')).toBe(true);
    const executed = new Set(executions.map((record) => record.runId));
    expect(window.every((run) => executed.has(run.id))).toBe(true);
    for (let i = 1; i < all.length; i++) {
      if (all[i - 1].finished === null) continue; // the run still going now
      expect(all[i].started).toBeGreaterThanOrEqual(all[i - 1].finished!);
    }

    // Every process ticked: the two that did not run a tick skipped it (claimed, or already ran).
    const metrics = await Promise.all(
      ports.map(async (port) => (await fetch(`http://127.0.0.1:${port}/metrics`)).text()),
    );
    const sum = (pattern: RegExp) =>
      metrics
        .flatMap((text) => [...text.matchAll(pattern)])
        .reduce((total, match) => total + Number(match[1]), 0);
    expect(sum(/^\w+_jobs_skipped_total\{job="probe",reason="[a-z-]+"\} (\d+)/gm)).toBeGreaterThanOrEqual(
      ticks.length,
    );
    expect(sum(/^\w+_jobs_runs_total\{job="probe",outcome="succeeded"\} (\d+)/gm)).toBe(
      all.filter((run) => run.outcome === 'succeeded').length,
    );
    const instances = new Set(window.map((run) => run.instance));
    console.log(`probe: ${ticks.length} ticks, run by ${[...instances].join(', ')}`);
  });

  it('a holder killed with SIGKILL mid-job: a following tick runs on another process', async () => {
    const held = await runningHold();
    const victim = apps.find((app) => held.instance.endsWith(`/${app.child.pid}`))!;
    expect(victim).toBeDefined();
    killedInstance = held.instance;
    victim.child.kill('SIGKILL');
    await victim.exited();

    let next: RunRow | undefined;
    await waitFor('another process to take probe-hold', async () => {
      [next] = await runs(`job_name = 'probe-hold' AND outcome = 'running' AND id <> $1`, [held.id]);
      return next !== undefined;
    });
    expect(next!.instance).not.toBe(held.instance);
    expect(next!.scheduled!).toBeGreaterThan(held.scheduled!);
    const [killed] = await runs('id = $1', [held.id]);
    expect(killed).toMatchObject({
      outcome: 'interrupted',
      error: expect.stringContaining('stopped before it finished'),
    });
  });

  it(`jobs:run exits ${JOB_ALREADY_RUNNING_EXIT_CODE} while the scheduled run holds the claim; --wait waits for it, then runs`, async () => {
    const holder = await runningHold();
    const busy = cli(['jobs:run', 'probe-hold']);
    const waiting = cli(['jobs:run', 'probe-hold', '--wait']);
    const refused = await busy.exited(180_000);
    expect(refused.code).toBe(JOB_ALREADY_RUNNING_EXIT_CODE);
    expect(refused.stderr.trim().split('\n')).toEqual([
      'error: job probe-hold is already running in another process; add --wait to wait for it',
    ]);
    await waitFor(
      'jobs:run --wait to wait',
      () => waiting.output().includes('waiting for it to finish'),
      90_000,
    );
    expect((await runs('id = $1', [holder.id]))[0].outcome).toBe('running');

    writeFileSync(join(dir, RELEASE_FILE), '');
    const waited = await waiting.exited(120_000);
    expect(waited.code).toBe(0);
    expect(waited.stdout).toMatch(/^job probe-hold succeeded in \d+\.\d\ds: released\n$/);
    const [manual] = await runs(`job_name = 'probe-hold' AND triggered_by = 'manual'`);
    const [released] = await runs('id = $1', [holder.id]);
    expect(released.outcome).toBe('succeeded');
    expect(manual.started).toBeGreaterThanOrEqual(released.finished!);
    const all = await runs(`job_name = 'probe-hold' AND outcome <> 'running'`);
    for (let i = 1; i < all.length; i++) expect(all[i].started).toBeGreaterThanOrEqual(all[i - 1].finished!);
  }, 240_000); // two CLI processes, each booting the app's modules

  it('SIGTERM: a run that cannot finish within SHUTDOWN_TIMEOUT is recorded as interrupted; short ones finish', async () => {
    rmSync(join(dir, RELEASE_FILE), { force: true });
    const held = await runningHold();
    const running = live();
    for (const app of running) app.child.kill('SIGTERM');
    const exits = await Promise.all(running.map((app) => app.exited(30_000)));
    expect(exits.map((exit) => exit.code)).toEqual(exits.map(() => 0));
    const [interrupted] = await runs('id = $1', [held.id]);
    expect(interrupted).toMatchObject({
      outcome: 'interrupted',
      error: expect.stringContaining('the process was stopped'),
    });
    // Every probe run finished, except the one the SIGKILL above may have cut (marked by the next holder).
    const unfinished = await runs(`job_name = 'probe' AND outcome <> 'succeeded'`);
    expect(unfinished.filter((run) => run.instance !== killedInstance)).toEqual([]);
    for (const run of unfinished) expect(run.error).toContain('stopped before it finished');
  });
});
