import { CronTime } from 'cron';
import { EnvReader } from './env-reader';
import { SettingsError } from './settings-error';

/** What JOB_<NAME>_SCHEDULE / _ENABLED / _TIMEOUT say about one job; unset fields keep the job's defaults. */
export interface JobOverride {
  readonly schedule?: string;
  readonly enabled?: boolean;
  readonly timeoutSeconds?: number;
  /** The variables that were set, so a name that matches no job can be reported by variable. */
  readonly variables: readonly string[];
}

/** Scheduled jobs (see README "Scheduled jobs"). */
export interface JobsSettings {
  /** JOBS_ENABLED: this process runs jobs on their schedules (the CLI's `jobs:run` works either way). */
  readonly enabled: boolean;
  /** JOBS_TIME_ZONE: the IANA zone cron expressions are read in. */
  readonly timeZone: string;
  /** JOBS_HISTORY_RETENTION: run history older than this is pruned (the latest run of each job stays). */
  readonly historyRetentionSeconds: number;
  /** JOB_<NAME>_*, by job name (`JOB_PRUNE_REFRESH_TOKENS_SCHEDULE` → `prune-refresh-tokens`). */
  readonly overrides: Readonly<Record<string, JobOverride>>;
}

const DAY = 86400;
const JOB_VARIABLE = /^JOB_([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)_(SCHEDULE|ENABLED|TIMEOUT)$/;

export function parseJobsSettings(env: EnvReader): JobsSettings {
  const timeZone = env.string('JOBS_TIME_ZONE') ?? 'UTC';
  if (!isValidTimeZone(timeZone)) {
    throw new SettingsError('JOBS_TIME_ZONE', 'must be an IANA time zone such as UTC or Europe/Berlin');
  }
  return Object.freeze({
    enabled: env.bool('JOBS_ENABLED', true),
    timeZone,
    historyRetentionSeconds: env.seconds('JOBS_HISTORY_RETENTION', 30 * DAY, { min: 3600, max: 3650 * DAY }),
    overrides: parseOverrides(env, timeZone),
  });
}

function parseOverrides(env: EnvReader, timeZone: string): Readonly<Record<string, JobOverride>> {
  const overrides: Record<string, { -readonly [K in keyof JobOverride]: JobOverride[K] }> = {};
  for (const variable of env.namesMatching(JOB_VARIABLE)) {
    const [, upperName, field] = JOB_VARIABLE.exec(variable)!;
    const name = jobNameOf(upperName);
    const override = (overrides[name] ??= { variables: [] });
    (override.variables as string[]).push(variable);
    if (field === 'SCHEDULE')
      override.schedule = parseCronExpression(variable, env.string(variable)!, timeZone);
    if (field === 'ENABLED') override.enabled = env.bool(variable, true);
    if (field === 'TIMEOUT') override.timeoutSeconds = env.seconds(variable, 0, { min: 1, max: 7 * DAY });
  }
  for (const override of Object.values(overrides)) Object.freeze(override.variables);
  return Object.freeze(Object.fromEntries(Object.entries(overrides).map(([k, v]) => [k, Object.freeze(v)])));
}

/** `PRUNE_REFRESH_TOKENS` → `prune-refresh-tokens`. */
export function jobNameOf(variablePart: string): string {
  return variablePart.toLowerCase().replace(/_/g, '-');
}

/** `prune-refresh-tokens` → `JOB_PRUNE_REFRESH_TOKENS_<FIELD>`. */
export function jobVariable(jobName: string, field: 'SCHEDULE' | 'ENABLED' | 'TIMEOUT'): string {
  return `JOB_${jobName.toUpperCase().replace(/-/g, '_')}_${field}`;
}

/**
 * Five fields (minute hour day month weekday), six with seconds first, or an alias such as
 * `@hourly`. An expression that is valid but never fires (`0 0 31 2 *`) is refused too.
 */
export function parseCronExpression(variable: string, expression: string, timeZone: string): string {
  try {
    new CronTime(expression, timeZone).sendAt();
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0].trim();
    throw new SettingsError(
      variable,
      `must be a cron expression such as "0 3 * * *" (minute hour day month weekday), or six fields with seconds first: ${reason}`,
    );
  }
  return expression;
}

function isValidTimeZone(zone: string): boolean {
  try {
    new CronTime('* * * * *', zone);
    return true;
  } catch {
    return false;
  }
}
