import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamicModule, Inject, Injectable, Module } from '@nestjs/common';
import { JobContext, ScheduledJob } from '../../src/jobs/scheduled-job.decorator';

/** What the probe jobs write, one JSON line per finished run, in `<dir>/probe.log`. */
export interface ProbeRecord {
  readonly job: string;
  readonly runId: string;
  readonly scheduledAt: string | null;
  readonly pid: number;
  readonly startedAt: number;
  readonly finishedAt: number;
}

/** `probe-hold` runs until this file exists in the probe directory. */
export const RELEASE_FILE = 'release';

/**
 * The file a job's body creates as it begins. A `running` history row is written a moment before
 * the body starts, so a test that must know the body is under way (not still being claimed)
 * waits for this file.
 */
export const startedFile = (job: string): string => `${job}.started`;

const PROBE_DIR = Symbol('PROBE_DIR');

/**
 * Jobs for the tests, declared the way a team declares its own. All are off unless a test turns
 * them on with JOB_<NAME>_ENABLED=true, so only the tests that ask for them see them tick.
 */
@Injectable()
export class ProbeJobs {
  constructor(@Inject(PROBE_DIR) private readonly dir: string) {}

  /** A short job: 200 ms, then one line in probe.log. */
  @ScheduledJob({ name: 'probe', schedule: '* * * * * *', enabled: false })
  async probe(context: JobContext): Promise<string> {
    const startedAt = Date.now();
    await sleep(200, context.signal);
    this.record('probe', context, startedAt);
    return 'probed';
  }

  /** Holds its claim until the test creates the release file (or the run is aborted). */
  @ScheduledJob({ name: 'probe-hold', schedule: '*/2 * * * * *', enabled: false, timeoutSeconds: 120 })
  async hold(context: JobContext): Promise<string> {
    const startedAt = Date.now();
    this.markStarted('probe-hold');
    while (!existsSync(join(this.dir, RELEASE_FILE))) await sleep(50, context.signal);
    this.record('probe-hold', context, startedAt);
    return 'released';
  }

  @ScheduledJob({ name: 'probe-fail', schedule: '0 0 1 1 *', enabled: false })
  async fail(): Promise<never> {
    throw new Error('probe failed on purpose\nsecond line that must not reach the history');
  }

  /** Never ends by itself; stops only when its signal is aborted (timeout, shutdown). */
  @ScheduledJob({ name: 'probe-hang', schedule: '0 0 1 1 *', enabled: false })
  async hang({ signal }: JobContext): Promise<never> {
    this.markStarted('probe-hang');
    for (;;) await sleep(1000, signal);
  }

  private markStarted(job: string): void {
    writeFileSync(join(this.dir, startedFile(job)), '');
  }

  private record(job: string, context: JobContext, startedAt: number): void {
    const record: ProbeRecord = {
      job,
      runId: context.runId,
      scheduledAt: context.scheduledAt?.toISOString() ?? null,
      pid: process.pid,
      startedAt,
      finishedAt: Date.now(),
    };
    appendFileSync(join(this.dir, 'probe.log'), `${JSON.stringify(record)}\n`);
  }
}

@Module({})
export class ProbeJobsModule {
  static forRoot(dir: string): DynamicModule {
    return { module: ProbeJobsModule, providers: [{ provide: PROBE_DIR, useValue: dir }, ProbeJobs] };
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    signal.throwIfAborted();
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
