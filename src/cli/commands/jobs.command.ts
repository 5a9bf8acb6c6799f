import type { DynamicModule, INestApplicationContext, LogLevel, Type } from '@nestjs/common';
import { Command, InvalidArgumentError } from 'commander';
import { JOB_ALREADY_RUNNING_EXIT_CODE } from '../../jobs/jobs.constants';
import type { JobDefinition } from '../../jobs/job-registry';
import type { JobRun } from '../../jobs/job-run.entity';
import type { RunResult } from '../../jobs/job-runner.service';
import { jobVariable } from '../../settings/jobs.schema';
import { Settings } from '../../settings/settings';
import { CliError } from '../cli-error';

type Modules = readonly (Type | DynamicModule)[];

const WAIT_POLL_MS = 500;

/**
 * `jobs:list` and `jobs:run <name>`. Both boot the app's modules without HTTP and without the
 * scheduler, so a job runs with the same code, settings and claim as in the server.
 */
export function registerJobsCommands(
  program: Command,
  loadSettings: () => Settings,
  modules: Modules = [],
): void {
  program
    .command('jobs:list')
    .description('list the jobs: schedule, next run, last run and its outcome')
    .option('--json', 'one JSON object per job per line')
    .action(async (options: { json?: boolean }) => {
      const settings = loadSettings();
      await withJobs(settings, modules, async (app) => {
        const { JobHistory } = await import('../../jobs/job-history.service');
        const { JobRegistry } = await import('../../jobs/job-registry');
        const history = app.get(JobHistory);
        for (const job of app.get(JobRegistry).list()) {
          const last = await history.latest(job.name);
          const next = await nextRun(job, settings);
          if (options.json) {
            process.stdout.write(
              `${JSON.stringify({ name: job.name, description: job.description, schedule: job.schedule, timeZone: job.timeZone, isEnabled: job.isEnabled, timeoutSeconds: job.timeoutMs / 1000, nextRun: next, lastRun: last })}\n`,
            );
          } else {
            process.stdout.write(
              [
                `${job.name}${job.description ? `: ${job.description}` : ''}`,
                `  schedule: ${job.schedule} (${job.timeZone}), timeout ${job.timeoutMs / 1000}s`,
                `  next run: ${next ? formatTime(next) : notScheduled(job, settings)}`,
                `  last run: ${last ? describeLastRun(last) : 'never'}`,
                '',
              ].join('\n'),
            );
          }
        }
      });
    });

  program
    .command('jobs:run')
    .description(
      `run a job now, under the same claim as its scheduled runs (for a Kubernetes CronJob). Exit codes: 0 succeeded, 1 failed or timed out, ${JOB_ALREADY_RUNNING_EXIT_CODE} already running elsewhere`,
    )
    .argument('<name>', 'the job, as jobs:list names it')
    .option('--wait', 'when another process is running it, wait for that run to end, then run')
    .option(
      '--wait-timeout <seconds>',
      `with --wait: give up after this many seconds (exit ${JOB_ALREADY_RUNNING_EXIT_CODE})`,
      parseSeconds,
    )
    .action(async (name: string, options: { wait?: boolean; waitTimeout?: number }) => {
      await withJobs(loadSettings(), modules, async (app, stopped) => {
        const { JobRegistry, UnknownJobError } = await import('../../jobs/job-registry');
        const { describeRun, JobRunner } = await import('../../jobs/job-runner.service');
        const runner = app.get(JobRunner);
        try {
          app.get(JobRegistry).get(name);
        } catch (error) {
          if (error instanceof UnknownJobError) throw new CliError(error.message);
          throw error;
        }
        const deadline =
          options.waitTimeout === undefined ? Infinity : Date.now() + options.waitTimeout * 1000;
        let result: RunResult = await runner.runOnce(name);
        if (result.status === 'skipped' && result.reason === 'claimed' && options.wait) {
          process.stderr.write(`job ${name} is running in another process: waiting for it to finish\n`);
          while (
            result.status === 'skipped' &&
            result.reason === 'claimed' &&
            Date.now() < deadline &&
            !stopped.aborted
          ) {
            await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
            result = await runner.runOnce(name);
          }
        }
        report(name, result, Boolean(options.wait), describeRun);
      });
    });
}

function report(
  name: string,
  result: RunResult,
  waited: boolean,
  describeRun: (name: string, result: Extract<RunResult, { status: 'ran' }>) => string,
): void {
  if (result.status === 'ran') {
    if (result.outcome === 'succeeded') {
      process.stdout.write(`job ${describeRun(name, result)}\n`);
      return;
    }
    process.stderr.write(`error: job ${describeRun(name, result)}\n`);
    process.exitCode = 1;
    return;
  }
  if (result.reason === 'claimed') {
    process.stderr.write(
      waited
        ? `error: job ${name} is still running in another process (gave up waiting)\n`
        : `error: job ${name} is already running in another process; add --wait to wait for it\n`,
    );
    process.exitCode = JOB_ALREADY_RUNNING_EXIT_CODE;
    return;
  }
  process.stderr.write(`error: job ${name} did not run: stopped by a signal\n`);
  process.exitCode = 1;
}

/**
 * Boots the app's modules as a context (no HTTP, no scheduling). SIGTERM/SIGINT close it, which
 * lets a running job finish within SHUTDOWN_TIMEOUT or records it as interrupted, as in the server.
 */
async function withJobs(
  settings: Settings,
  modules: Modules,
  work: (app: INestApplicationContext, stopped: AbortSignal) => Promise<void>,
): Promise<void> {
  // Loaded here, not at the top: the other commands (keygen, migrate…) must not pay for the whole app.
  const [{ NestFactory }, { AppModule }, { ConsoleLogger }] = await Promise.all([
    import('@nestjs/core'),
    import('../../app.module'),
    import('@nestjs/common'),
  ]);
  /** Nest's console logger with every line on stderr: stdout carries only the command's output. */
  class StderrLogger extends ConsoleLogger {
    protected override printMessages(
      messages: unknown[],
      context?: string,
      logLevel?: LogLevel,
      _stream?: 'stdout' | 'stderr',
      errorStack?: unknown,
      params?: Record<string, unknown>,
    ): void {
      super.printMessages(messages, context, logLevel, 'stderr', errorStack, params);
    }
  }
  // The CLI never schedules; it runs one job, or reads the history.
  const cliSettings: Settings = Object.freeze({
    ...settings,
    jobs: Object.freeze({ ...settings.jobs, enabled: false }),
  });
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(cliSettings, modules), {
    logger: new StderrLogger({ logLevels: ['error', 'warn'] }),
    abortOnError: false,
  });
  const stopped = new AbortController();
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= app.close());
  const onSignal = () => {
    stopped.abort();
    void close();
  };
  process.once('SIGTERM', onSignal).once('SIGINT', onSignal);
  try {
    await work(app, stopped.signal);
  } finally {
    process.off('SIGTERM', onSignal).off('SIGINT', onSignal);
    await close();
  }
}

async function nextRun(job: JobDefinition, settings: Settings): Promise<Date | null> {
  if (!job.isEnabled || !settings.jobs.enabled) return null;
  const { nextTicks } = await import('../../jobs/job-ticks');
  return nextTicks(job.schedule, job.timeZone, new Date())[0] ?? null;
}

function notScheduled(job: JobDefinition, settings: Settings): string {
  if (!settings.jobs.enabled) return 'not scheduled (JOBS_ENABLED=false)';
  return `not scheduled (${jobVariable(job.name, 'ENABLED')}=false)`;
}

/** `2026-12-01 12:00:00Z succeeded in 0.02s on pod-7f9c/1 (schedule)` */
function describeLastRun(run: JobRun): string {
  const where = `on ${run.instance} (${run.triggeredBy})`;
  if (run.outcome === 'running') return `${formatTime(run.startedAt)} running ${where}`;
  const took = `${((run.finishedAt!.getTime() - run.startedAt.getTime()) / 1000).toFixed(2)}s`;
  const verb = run.outcome === 'succeeded' ? `succeeded in ${took}` : `${run.outcome} after ${took}`;
  return `${formatTime(run.startedAt)} ${verb} ${where}${run.error ? `: ${run.error}` : ''}`;
}

/** `2026-12-01 13:00:00Z` */
function formatTime(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

function parseSeconds(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('must be a whole number of seconds');
  return Number(value);
}
