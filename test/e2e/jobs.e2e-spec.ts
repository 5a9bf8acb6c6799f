import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource, Repository } from 'typeorm';
import { createApp } from '../../src/app.factory';
import { RefreshToken } from '../../src/auth/refresh-token.entity';
import { UsersService } from '../../src/auth/users.service';
import { createDataSource } from '../../src/database/data-source';
import { JOB_ALREADY_RUNNING_EXIT_CODE, JOB_LOCK } from '../../src/jobs/jobs.constants';
import { JobLock } from '../../src/jobs/job-lock';
import { JobRun } from '../../src/jobs/job-run.entity';
import { JobRunner, RunResult } from '../../src/jobs/job-runner.service';
import { Settings } from '../../src/settings/settings';
import { createUser } from '../factories/user.factory';
import { sleep, waitFor } from '../support/broker';
import { testDatabases } from '../support/database';
import { ProbeJobsModule, ProbeRecord, RELEASE_FILE, startedFile } from '../support/jobs-probe.module';
import { freePort } from '../support/ports';
import { spawnService } from '../support/spawn-service';
import { testSettings } from '../support/test-app';

const INSTANCE = `${hostname()}/${process.pid}`;

interface JobsApp {
  readonly app: NestFastifyApplication;
  readonly settings: Settings;
  readonly runner: JobRunner;
  readonly runs: Repository<JobRun>;
  readonly dir: string;
  release(): void;
  /** probe-hold holds again until the next release(). */
  hold(): void;
  probeLog(): ProbeRecord[];
}

/** The real app plus the probe jobs, on a socket. */
async function startJobsApp(databaseUrl: string, env: Record<string, string> = {}): Promise<JobsApp> {
  const dir = mkdtempSync(join(tmpdir(), 'jobs-test-'));
  const settings = testSettings({
    DATABASE_URL: databaseUrl,
    JOB_PROBE_HANG_TIMEOUT: '1',
    METRICS_PORT: 'main', // scraped on the app's one port below
    ...env,
  });
  const app = await createApp(settings, [ProbeJobsModule.forRoot(dir)]);
  await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    app,
    settings,
    dir,
    runner: app.get(JobRunner),
    runs: app.get(DataSource).getRepository(JobRun),
    release: () => writeFileSync(join(dir, RELEASE_FILE), ''),
    hold: () => rmSync(join(dir, RELEASE_FILE), { force: true }),
    probeLog: () =>
      readFileSync(join(dir, 'probe.log'), 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as ProbeRecord),
  };
}

function ran(result: RunResult): Extract<RunResult, { status: 'ran' }> {
  if (result.status !== 'ran') throw new Error(`expected a run, got skipped (${result.reason})`);
  return result;
}

describe.each(testDatabases())('jobs on $name', (database) => {
  let jobs: JobsApp;
  const databaseUrl = database.url();

  beforeAll(async () => {
    // probe would tick every second, but this process schedules nothing: runs below are by hand.
    jobs = await startJobsApp(databaseUrl, { JOBS_ENABLED: 'false', JOB_PROBE_ENABLED: 'true' });
  });
  afterAll(() => jobs?.app.close());
  beforeEach(async () => {
    jobs.hold();
    await jobs.runs.clear();
  });

  it('runs a job once at a time under its claim and records the run', async () => {
    const first = jobs.runner.runOnce('probe-hold');
    await waitFor('probe-hold to start', () =>
      jobs.runs.existsBy({ jobName: 'probe-hold', outcome: 'running' }),
    );
    expect(await jobs.runner.runOnce('probe-hold')).toEqual({ status: 'skipped', reason: 'claimed' });
    // What another process would meet: the claim itself (advisory lock or lease) is taken.
    expect(await jobs.app.get<JobLock>(JOB_LOCK).tryClaim('probe-hold')).toBeNull();

    jobs.release();
    const result = ran(await first);
    expect(result).toMatchObject({ outcome: 'succeeded', detail: 'released' });
    const row = await jobs.runs.findOneByOrFail({ id: result.runId });
    expect(row).toMatchObject({
      jobName: 'probe-hold',
      triggeredBy: 'manual',
      scheduledAt: null,
      outcome: 'succeeded',
      error: null,
      instance: INSTANCE,
    });
    expect(row.finishedAt!.getTime()).toBeGreaterThanOrEqual(row.startedAt.getTime());
    const claim = await jobs.app.get<JobLock>(JOB_LOCK).tryClaim('probe-hold');
    expect(claim).not.toBeNull(); // released with the run
    await claim!.release();
  });

  it('JOBS_ENABLED=false: the process schedules no job, even one that is enabled', async () => {
    await sleep(2100);
    expect(await jobs.runs.countBy({ jobName: 'probe' })).toBe(0);
  });

  it('runs a scheduled tick once: a tick that already has a run is skipped, manual runs are not', async () => {
    const tick = new Date('2030-01-01T00:00:00Z');
    expect(ran(await jobs.runner.runOnce('probe', tick)).outcome).toBe('succeeded');
    expect(await jobs.runner.runOnce('probe', tick)).toEqual({ status: 'skipped', reason: 'already-ran' });
    expect(ran(await jobs.runner.runOnce('probe')).outcome).toBe('succeeded');
    expect(await jobs.runs.countBy({ jobName: 'probe' })).toBe(2);
  });

  it('records a failure and a timeout with a one-line error, and counts them in /metrics', async () => {
    const failed = ran(await jobs.runner.runOnce('probe-fail'));
    expect(failed).toMatchObject({ outcome: 'failed', detail: 'probe failed on purpose' });
    const timedOut = ran(await jobs.runner.runOnce('probe-hang'));
    expect(timedOut).toMatchObject({ outcome: 'timed-out', detail: 'timed out after 1s' });
    const tick = new Date('2030-01-02T00:00:00Z');
    expect(ran(await jobs.runner.runOnce('probe', tick)).outcome).toBe('succeeded');
    expect((await jobs.runner.runOnce('probe', tick)).status).toBe('skipped');

    expect(await jobs.runs.findOneByOrFail({ id: failed.runId })).toMatchObject({
      outcome: 'failed',
      error: 'probe failed on purpose',
    });
    expect(await jobs.runs.findOneByOrFail({ id: timedOut.runId })).toMatchObject({
      outcome: 'timed-out',
      error: 'timed out after 1s',
    });
    const address = jobs.app.getHttpServer().address() as { port: number };
    const metrics = await (await fetch(`http://127.0.0.1:${address.port}/metrics`)).text();
    expect(metrics).toMatch(/^\w+_jobs_runs_total\{job="probe-fail",outcome="failed"\} [1-9]/m);
    expect(metrics).toMatch(/^\w+_jobs_failures_total\{job="probe-hang"\} [1-9]/m);
    expect(metrics).toMatch(/^\w+_jobs_run_duration_seconds_count\{job="probe-hang"\} [1-9]/m);
    expect(metrics).toMatch(/^\w+_jobs_skipped_total\{job="probe",reason="already-ran"\} [1-9]/m);
    const lastSuccess = /^\w+_jobs_last_success_timestamp_seconds\{job="probe"\} (\S+)/m.exec(metrics);
    expect(Math.abs(Number(lastSuccess?.[1]) - Date.now() / 1000)).toBeLessThan(60);
  });

  it("marks a dead holder's unfinished run interrupted when the next run takes the claim", async () => {
    const dead = await jobs.runs.save({
      id: randomUUID(),
      jobName: 'probe',
      triggeredBy: 'schedule',
      scheduledAt: new Date('2030-01-01T00:00:01Z'),
      startedAt: new Date(),
      finishedAt: null,
      outcome: 'running',
      error: null,
      instance: 'gone/1',
    });
    expect(ran(await jobs.runner.runOnce('probe')).outcome).toBe('succeeded');
    expect(await jobs.runs.findOneByOrFail({ id: dead.id })).toMatchObject({
      outcome: 'interrupted',
      error: expect.stringContaining('stopped before it finished'),
    });
  });

  it('prune-refresh-tokens deletes rows of expired tokens, used or not, and keeps the rest', async () => {
    const user = await createUser(jobs.app.get(UsersService));
    const tokens = jobs.app.get(DataSource).getRepository(RefreshToken);
    const at = (seconds: number) => new Date(Date.now() + seconds * 1000);
    const row = (jti: string, expiresAt: Date, usedAt: Date | null) => ({
      jti,
      familyId: 'family',
      userId: user.id,
      expiresAt,
      usedAt,
      replacedBy: null,
      revokedAt: null,
    });
    await tokens.insert([
      row('expired', at(-3600), null),
      row('expired-used', at(-3600), at(-7200)),
      row('within-leeway', at(-5), null), // still verifies with the default 30 s leeway
      row('used', at(3600), at(-60)), // kept: presenting it again must revoke the family
      row('fresh', at(3600), null),
    ]);
    expect(ran(await jobs.runner.runOnce('prune-refresh-tokens'))).toMatchObject({
      outcome: 'succeeded',
      detail: 'deleted 2 expired refresh token(s)',
    });
    const left = await tokens.find({ where: { userId: user.id }, order: { jti: 'ASC' } });
    expect(left.map((token) => token.jti)).toEqual(['fresh', 'used', 'within-leeway']);
  });

  it('prune-job-history deletes runs past JOBS_HISTORY_RETENTION and keeps the latest run of each job', async () => {
    const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);
    const old = (jobName: string, days: number) => ({
      id: randomUUID(),
      jobName,
      triggeredBy: 'manual' as const,
      scheduledAt: null,
      startedAt: daysAgo(days),
      finishedAt: daysAgo(days),
      outcome: 'succeeded' as const,
      error: null,
      instance: 'old/1',
    });
    const rows = [old('a', 60), old('a', 45), old('a', 1), old('b', 90), old('b', 50)];
    await jobs.runs.insert(rows);
    expect(ran(await jobs.runner.runOnce('prune-job-history')).detail).toMatch(
      /^deleted 3 run\(s\) started before /,
    );
    const left = await jobs.runs.find({ where: { instance: 'old/1' } });
    expect(left.map((run) => run.id).sort()).toEqual([rows[2].id, rows[4].id].sort());
  });

  it('schedules enabled jobs (one run per tick), and on shutdown lets a run finish or records it interrupted', async () => {
    const scheduled = await startJobsApp(databaseUrl, {
      JOB_PROBE_ENABLED: 'true',
      JOB_PROBE_HANG_TIMEOUT: '60',
      SHUTDOWN_TIMEOUT: '3',
    });
    let closed = false;
    try {
      await sleep(3500);
      const records = scheduled.probeLog().filter((record) => record.job === 'probe');
      const ticks = records.map((record) => record.scheduledAt!);
      expect(ticks.length).toBeGreaterThanOrEqual(2);
      expect(new Set(ticks).size).toBe(ticks.length);
      expect(ticks.every((tick) => tick.endsWith('.000Z'))).toBe(true); // whole seconds: ticks, not timer times
      for (const record of records) {
        const run = await scheduled.runs.findOneByOrFail({ id: record.runId });
        expect(run).toMatchObject({ triggeredBy: 'schedule', instance: INSTANCE });
        expect(run.scheduledAt!.toISOString()).toBe(record.scheduledAt);
      }

      const finishing = scheduled.runner.runOnce('probe-hold');
      const hanging = scheduled.runner.runOnce('probe-hang');
      // Their bodies, so the hold's release below comes after it began.
      await waitFor('both to start', () =>
        ['probe-hold', 'probe-hang'].every((job) => existsSync(join(scheduled.dir, startedFile(job)))),
      );
      setTimeout(() => scheduled.release(), 500);
      await scheduled.app.close(); // what SIGTERM does; SHUTDOWN_TIMEOUT=3 leaves 1.5 s for jobs
      closed = true;
      expect(ran(await finishing).outcome).toBe('succeeded');
      expect(ran(await hanging)).toMatchObject({
        outcome: 'interrupted',
        detail: expect.stringContaining('the process was stopped'),
      });
    } finally {
      if (!closed) await scheduled.app.close();
    }
    const history = await createDataSource(scheduled.settings, [JobRun]).initialize();
    try {
      const hang = await history.getRepository(JobRun).findOneByOrFail({ jobName: 'probe-hang' });
      expect(hang).toMatchObject({
        outcome: 'interrupted',
        error: expect.stringContaining('did not finish within'),
      });
    } finally {
      await history.destroy();
    }
  });

  if (database.name === 'sqlite') {
    describe('from the CLI (a second process on the same SQLite file)', () => {
      const cli = (args: string[]) =>
        spawnService(
          '../test/support/jobs-cli.ts',
          {
            ...testEnv(jobs.settings, databaseUrl),
            PROBE_DIR: jobs.dir,
          },
          args,
        ).exited(180_000);

      it(`jobs:run exits ${JOB_ALREADY_RUNNING_EXIT_CODE} while the app holds the lease, runs a free job, and names an unknown one`, async () => {
        const holding = jobs.runner.runOnce('probe-hold');
        await waitFor('probe-hold to start', () =>
          jobs.runs.existsBy({ jobName: 'probe-hold', outcome: 'running' }),
        );
        const [busy, list] = await Promise.all([cli(['jobs:run', 'probe-hold']), cli(['jobs:list'])]);
        jobs.release();
        await holding;
        expect(busy.code).toBe(JOB_ALREADY_RUNNING_EXIT_CODE);
        expect(busy.stderr.trim().split('\n')).toEqual([
          'error: job probe-hold is already running in another process; add --wait to wait for it',
        ]);
        expect(list).toMatchObject({ code: 0, stderr: '' });
        expect(list.stdout).toContain(
          [
            'probe-hold',
            '  schedule: */2 * * * * * (UTC), timeout 120s',
            '  next run: not scheduled (JOB_PROBE_HOLD_ENABLED=false)',
            `  last run: `,
          ].join('\n'),
        );
        expect(list.stdout).toMatch(
          /^ {2}last run: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ running on \S+ \(manual\)$/m,
        );
        expect(list.stdout).toMatch(/^ {2}next run: \d{4}-\d\d-\d\d \d\d:00:00Z$/m); // prune-refresh-tokens, hourly

        const [free, unknown] = await Promise.all([cli(['jobs:run', 'probe']), cli(['jobs:run', 'nope'])]);
        expect(free).toMatchObject({ code: 0, stderr: '' });
        expect(free.stdout).toMatch(/^job probe succeeded in \d+\.\d\ds: probed\n$/);
        const row = await jobs.runs.findOneByOrFail({ jobName: 'probe' });
        expect(row).toMatchObject({ triggeredBy: 'manual', outcome: 'succeeded' });
        expect(row.instance).not.toBe(INSTANCE);
        expect(unknown.code).toBe(1);
        expect(unknown.stderr.trim().split('\n')).toEqual([
          expect.stringMatching(/^error: no job named "nope"; the jobs are: items-report, probe, /),
        ]);
      }, 240_000); // four CLI processes, each booting the app's modules
    });
  }
});

describe('jobs: settings', () => {
  it('a bad cron expression, or a variable that names no job, stops the start-up with one line naming it', async () => {
    const start = async (env: Record<string, string>) => {
      const dir = mkdtempSync(join(tmpdir(), 'jobs-settings-'));
      const database = `sqlite:///${join(dir, 'db.sqlite3')}`;
      return spawnService('main.ts', {
        ...testEnv(testSettings(), database),
        PORT: String(await freePort()),
        ...env,
      }).exited(180_000);
    };
    const [badCron, unknownJob] = await Promise.all([
      start({ JOB_ITEMS_REPORT_SCHEDULE: '61 * * * *' }),
      start({ JOB_ITEMS_REPROT_ENABLED: 'false' }),
    ]);
    expect(badCron.code).toBe(1);
    expect(badCron.stderr.trim().split('\n')).toEqual([
      'settings: JOB_ITEMS_REPORT_SCHEDULE must be a cron expression such as "0 3 * * *" (minute hour day month weekday), or six fields with seconds first: Field value (61) is out of range',
    ]);
    expect(unknownJob.code).toBe(1);
    expect(unknownJob.stderr.trim().split('\n')).toEqual([
      'settings: JOB_ITEMS_REPROT_ENABLED names no job "items-reprot"; the jobs are: items-report, prune-job-history, prune-refresh-tokens, prune-sync',
    ]);
  }, 240_000);
});

/** The variables a child process needs to load the same settings as `settings`. */
function testEnv(settings: Settings, databaseUrl: string): Record<string, string> {
  return {
    DEBUG: 'false',
    SECRET_KEY: settings.secretKey,
    JWT_SIGN_KEY: settings.jwtSignKey || '0',
    JWT_VERIFY_KEY: settings.jwtVerifyKey ?? '',
    DATABASE_URL: databaseUrl,
    MIGRATE_ON_START: 'true',
    LOG_LEVEL: 'warn',
  };
}
