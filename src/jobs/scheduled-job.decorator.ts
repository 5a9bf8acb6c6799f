import { SetMetadata } from '@nestjs/common';
import { SCHEDULED_JOB_METADATA } from './jobs.constants';

/** What a job method receives. */
export interface JobContext {
  /**
   * Aborted when the run times out, when shutdown outlasts its budget, or when the claim is lost.
   * Check it between batches (`signal.throwIfAborted()`) so the run stops promptly.
   */
  readonly signal: AbortSignal;
  /** The tick this run is for; null when started by `jobs:run`. */
  readonly scheduledAt: Date | null;
  /** The run's id in the job_runs table. */
  readonly runId: string;
}

export interface ScheduledJobOptions {
  /** kebab-case; names the CLI argument and the JOB_<NAME>_* settings. */
  readonly name: string;
  /** Cron expression, five fields or six with seconds first; JOB_<NAME>_SCHEDULE overrides it. */
  readonly schedule: string;
  /** Seconds before the run is aborted and recorded as timed-out (default 300); JOB_<NAME>_TIMEOUT overrides. */
  readonly timeoutSeconds?: number;
  /** Scheduled unless JOB_<NAME>_ENABLED=false (default true); `jobs:run` runs it either way. */
  readonly enabled?: boolean;
  /** One line for `jobs:list --json` and the logs. */
  readonly description?: string;
}

/**
 * Declares a provider method as a job that runs once per tick across every replica sharing the
 * database. The method gets a {@link JobContext} and may return a one-line summary for the log.
 *
 * ```ts
 * @ScheduledJob({ name: 'send-digests', schedule: '0 7 * * *', timeoutSeconds: 600 })
 * async sendDigests({ signal }: JobContext): Promise<string> { … }
 * ```
 */
export function ScheduledJob(options: ScheduledJobOptions): MethodDecorator {
  return SetMetadata(SCHEDULED_JOB_METADATA, options);
}
