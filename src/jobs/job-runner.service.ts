import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { Settings, SETTINGS } from '../settings/settings';
import { JOB_LOCK } from './jobs.constants';
import { JobHistory } from './job-history.service';
import { JobClaim, JobLock } from './job-lock';
import { JobMetrics, SkipReason } from './job-metrics';
import { JobDefinition, JobRegistry } from './job-registry';
import { JobOutcome } from './job-run.entity';

export type FinalOutcome = Exclude<JobOutcome, 'running'>;

export type RunResult =
  | {
      readonly status: 'ran';
      readonly runId: string;
      readonly outcome: FinalOutcome;
      readonly durationMs: number;
      /** What the job returned (succeeded) or the error's first line (otherwise). */
      readonly detail: string;
    }
  | { readonly status: 'skipped'; readonly reason: SkipReason };

/** Why the runner aborted a job's signal; the reason becomes the run's outcome. */
class JobAbort extends Error {
  constructor(
    readonly outcome: FinalOutcome,
    message: string,
  ) {
    super(message);
  }
}

interface ActiveRun {
  readonly controller: AbortController;
  readonly claim: JobClaim;
  /** Resolves once the outcome is in the history table. */
  readonly recorded: Promise<RunResult>;
  /** Resolves once the job's own promise settled (it may outlive an abort it ignores). */
  readonly settled: Promise<void>;
}

/**
 * Runs a job under its claim: at most one run of a job at a time across every process on the
 * database, each scheduled tick at most once (the tick's unique history row), with a timeout,
 * metrics, and a shutdown that lets running jobs finish within SHUTDOWN_TIMEOUT. It records the
 * outcome; the caller reports it (the scheduler logs it, `jobs:run` prints it).
 */
@Injectable()
export class JobRunner implements OnModuleDestroy {
  /** `<hostname>/<pid>`: the pod name in Kubernetes. */
  readonly instance = `${hostname()}/${process.pid}`;
  private readonly logger = new Logger('Jobs');
  /** By job name; 'claiming' reserves the name while the claim is being taken. */
  private readonly active = new Map<string, ActiveRun | 'claiming'>();
  private isStopping = false;

  constructor(
    private readonly registry: JobRegistry,
    private readonly history: JobHistory,
    private readonly metrics: JobMetrics,
    @Inject(JOB_LOCK) private readonly lock: JobLock,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  /**
   * Runs `name` now if nobody holds its claim. `scheduledAt` is the tick for scheduled runs
   * (a tick another replica already ran is skipped) and null for `jobs:run`.
   */
  async runOnce(name: string, scheduledAt: Date | null = null): Promise<RunResult> {
    const job = this.registry.get(name);
    if (this.isStopping) return this.skip(name, 'shutting-down');
    if (this.active.has(name)) return this.skip(name, 'claimed');
    this.active.set(name, 'claiming');
    let claim: JobClaim | null = null;
    try {
      claim = await this.lock.tryClaim(name);
      if (!claim) return this.skip(name, 'claimed');
      if (this.isStopping) return this.skip(name, 'shutting-down');
      const runId = randomUUID();
      const abandoned = await this.history.markAbandoned(name);
      if (abandoned > 0)
        this.logger.warn(`${name}: marked ${abandoned} run(s) of a stopped process interrupted`);
      const triggeredBy = scheduledAt ? 'schedule' : 'manual';
      const isNew = await this.history.start({
        id: runId,
        jobName: name,
        triggeredBy,
        scheduledAt,
        instance: this.instance,
      });
      if (!isNew) return this.skip(name, 'already-ran');
      // Its row is written: it runs even if stop() began meanwhile, and stop() waits for it like
      // for any other run (it waits for every claim in progress to start or give up).
      const run = this.execute(job, runId, scheduledAt, claim);
      claim = null; // execute() owns it now and releases it when the job settles
      return await run;
    } finally {
      if (claim) {
        await claim.release();
        this.active.delete(name);
      } else if (this.active.get(name) === 'claiming') {
        this.active.delete(name);
      }
    }
  }

  /** Whether a run of `name` is going on in this process. */
  isRunning(name: string): boolean {
    return this.active.has(name);
  }

  async onModuleDestroy(): Promise<void> {
    const timeoutMs = this.settings.shutdownTimeoutSeconds * 1000;
    // Leave time after the wait to record interruptions before lifecycle.ts forces the exit.
    await this.stop(Math.max(timeoutMs - 2000, timeoutMs / 2));
  }

  /** Refuses new runs, waits up to `budgetMs` for running ones, then interrupts and records them. */
  async stop(budgetMs: number): Promise<void> {
    this.isStopping = true;
    const deadline = Date.now() + budgetMs;
    // A claim in progress ends in a round trip or two: it gives up (nothing recorded) or its run
    // starts, and is then waited for below.
    while ([...this.active.values()].includes('claiming') && Date.now() < deadline) await sleep(10);
    const waitMs = Math.max(0, deadline - Date.now());
    const runs = [...this.active.entries()].filter(
      (entry): entry is [string, ActiveRun] => entry[1] !== 'claiming',
    );
    if (runs.length === 0) return;
    this.logger.log(`waiting up to ${inSeconds(budgetMs)} for ${runs.map(([name]) => name).join(', ')}`);
    let timer: NodeJS.Timeout | undefined;
    const isDone = await Promise.race([
      Promise.all(runs.map(([, run]) => run.settled)).then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), waitMs))),
    ]);
    clearTimeout(timer);
    if (isDone) return;
    const reason = `the process was stopped and the run did not finish within ${inSeconds(budgetMs)}`;
    for (const [, run] of runs) run.controller.abort(new JobAbort('interrupted', reason));
    await Promise.all(runs.map(([, run]) => run.recorded.catch(() => undefined)));
    // A job that ignores its signal still runs, but the process is about to exit: let the claim go.
    await Promise.all(runs.map(([, run]) => run.claim.release()));
  }

  private execute(
    job: JobDefinition,
    runId: string,
    scheduledAt: Date | null,
    claim: JobClaim,
  ): Promise<RunResult> {
    const controller = new AbortController();
    const abort = (reason: JobAbort) => controller.abort(reason);
    const onLost = () => abort(new JobAbort('interrupted', `lost its claim: ${describe(claim.lost.reason)}`));
    claim.lost.addEventListener('abort', onLost, { once: true });
    const timer = setTimeout(
      () => abort(new JobAbort('timed-out', `timed out after ${job.timeoutMs / 1000}s`)),
      job.timeoutMs,
    );
    const started = performance.now();
    const body = Promise.resolve().then(() => job.run({ signal: controller.signal, scheduledAt, runId }));
    let isBodySettled = false;
    const markSettled = () => (isBodySettled = true);
    body.then(markSettled, markSettled);
    const aborted = new Promise<never>((_, reject) =>
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason as Error), {
        once: true,
      }),
    );
    const recorded = Promise.race([body, aborted])
      .then(
        (value) => ({ outcome: 'succeeded' as const, detail: typeof value === 'string' ? value : '' }),
        (error: unknown) => ({
          outcome: error instanceof JobAbort ? error.outcome : ('failed' as const),
          detail: describe(error),
        }),
      )
      .then(async ({ outcome, detail }): Promise<RunResult> => {
        clearTimeout(timer);
        const durationMs = performance.now() - started;
        this.metrics.recordRun(job.name, outcome, durationMs / 1000);
        await this.history.finish(runId, outcome, outcome === 'succeeded' ? undefined : detail);
        return { status: 'ran', runId, outcome, durationMs, detail };
      });
    const settled = body
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => recorded.catch(() => undefined))
      .then(async () => {
        clearTimeout(timer);
        claim.lost.removeEventListener('abort', onLost);
        await claim.release();
        if (this.active.get(job.name) === run) this.active.delete(job.name);
      });
    const run: ActiveRun = { controller, claim, recorded, settled };
    this.active.set(job.name, run);
    // A job that ended lets go of its claim before the caller hears the outcome, so the next
    // runOnce() finds it free; one that ignores its abort keeps the claim until it does end.
    return recorded.then(async (result) => {
      if (isBodySettled) await settled;
      return result;
    });
  }

  private skip(name: string, reason: SkipReason): RunResult {
    this.metrics.recordSkip(name, reason);
    this.logger.debug(`${name}: skipped (${reason})`);
    return { status: 'skipped', reason };
  }
}

/** `1.5s`, `23s` */
function inSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))}s`;
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? '';
}

/** `prune-job-history succeeded in 0.02s: deleted 3 run(s)` */
export function describeRun(name: string, result: Extract<RunResult, { status: 'ran' }>): string {
  const took = `${(result.durationMs / 1000).toFixed(2)}s`;
  const verb = result.outcome === 'succeeded' ? `succeeded in ${took}` : `${result.outcome} after ${took}`;
  return `${name} ${verb}${result.detail ? `: ${result.detail}` : ''}`;
}
