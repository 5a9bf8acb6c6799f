import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { createDataSource } from '../database/data-source';
import { MetricsService } from '../platform/metrics.service';
import { Settings } from '../settings/settings';
import { JobHistory } from './job-history.service';
import { JobLease } from './job-lease.entity';
import { JobClaim, JobLock } from './job-lock';
import { JobMetrics } from './job-metrics';
import { JobDefinition, JobRegistry } from './job-registry';
import { JobRun } from './job-run.entity';
import { JobRunner } from './job-runner.service';
import { LeaseJobLock } from './lease-job-lock';

/** Calls that wait until the test lets them through, one at a time. */
class Gate {
  private readonly waiting: (() => void)[] = [];
  isOpen = false;

  pass(): Promise<void> {
    return this.isOpen ? Promise.resolve() : new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  get pending(): number {
    return this.waiting.length;
  }

  letOneThrough(): void {
    this.waiting.shift()?.();
  }
}

/** The real lease lock, its claims held at a gate. */
class GatedLock implements JobLock {
  readonly gate = new Gate();

  constructor(private readonly lock: JobLock) {}

  async tryClaim(job: string): Promise<JobClaim | null> {
    await this.gate.pass();
    return this.lock.tryClaim(job);
  }
}

/** The real history, the writing of a run's first row held at a gate. */
class GatedHistory extends JobHistory {
  readonly gate = new Gate();

  override async start(run: Parameters<JobHistory['start']>[0]): Promise<boolean> {
    await this.gate.pass();
    return super.start(run);
  }
}

describe(JobRunner.name, () => {
  let dataSource: DataSource;
  let lock: GatedLock;
  let history: GatedHistory;
  let runner: JobRunner;
  let bodyRuns = 0;

  const job: JobDefinition = {
    name: 'probe',
    description: 'counts its runs',
    source: 'JobRunnerSpec.probe',
    schedule: '* * * * *',
    timeZone: 'UTC',
    isEnabled: true,
    timeoutMs: 10_000,
    run: async () => {
      bodyRuns += 1;
      await new Promise((resolve) => setTimeout(resolve, 50));
      return 'done';
    },
  };

  beforeEach(async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'job-runner-')), 'db.sqlite3');
    dataSource = createDataSource({ database: { type: 'sqlite', path }, debug: false }, [JobRun, JobLease]);
    await dataSource.initialize();
    await dataSource.runMigrations();
    lock = new GatedLock(new LeaseJobLock(dataSource));
    history = new GatedHistory(dataSource.getRepository(JobRun));
    history.gate.isOpen = true;
    const settings = {
      shutdownTimeoutSeconds: 10,
      observability: { metricsPrefix: 'spec_' },
    } as unknown as Settings;
    const registry = { get: () => job } as unknown as JobRegistry;
    runner = new JobRunner(registry, history, new JobMetrics(new MetricsService(settings)), lock, settings);
    bodyRuns = 0;
  });

  afterEach(async () => {
    await dataSource.destroy();
  });

  const rows = () => dataSource.getRepository(JobRun).find();

  /** stop() while `gate` holds the run: it must not return until the gate lets the run on. */
  async function stopWhileHeldAt(gate: Gate): Promise<void> {
    await waitUntil(() => gate.pending === 1);
    let isStopped = false;
    const stopped = runner.stop(5_000).then(() => (isStopped = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(isStopped).toBe(false);
    gate.letOneThrough();
    await stopped;
  }

  it('stop() during the claim: stop() waits for it, then the run gives up with nothing written', async () => {
    const run = runner.runOnce('probe', new Date('2026-12-01T00:00:00Z'));
    await stopWhileHeldAt(lock.gate);
    expect(await run).toEqual({ status: 'skipped', reason: 'shutting-down' });
    expect(bodyRuns).toBe(0);
    expect(await rows()).toEqual([]);
  });

  it("stop() while the run's row is being written: the run goes ahead and stop() waits for it", async () => {
    history.gate.isOpen = false;
    lock.gate.isOpen = true;
    const run = runner.runOnce('probe', new Date('2026-12-01T00:00:30Z'));
    await stopWhileHeldAt(history.gate);
    // Its whole body ran before stop() returned, and the history says so.
    expect(bodyRuns).toBe(1);
    expect(await run).toMatchObject({ status: 'ran', outcome: 'succeeded' });
    expect((await rows()).map((row) => row.outcome)).toEqual(['succeeded']);
  });

  it('a run that began before stop() finishes and is recorded as succeeded', async () => {
    lock.gate.isOpen = true;
    const run = runner.runOnce('probe', new Date('2026-12-01T00:01:00Z'));
    await waitUntil(() => bodyRuns === 1);
    await runner.stop(5_000);
    expect(await run).toMatchObject({ status: 'ran', outcome: 'succeeded' });
    expect((await rows()).map((row) => row.outcome)).toEqual(['succeeded']);
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
