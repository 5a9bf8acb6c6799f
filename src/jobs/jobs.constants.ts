/** Names that live outside the process: tables, the advisory-lock namespace, exit codes. */
export const JOB_RUNS_TABLE = 'job_runs';
export const JOB_LEASES_TABLE = 'job_leases';

/**
 * First key of every job's PostgreSQL advisory lock (`pg_try_advisory_lock(namespace, job)`).
 * The two-key form lives apart from the one-key migration lock, so the two never collide.
 */
export const ADVISORY_LOCK_NAMESPACE = 764_700_000;

/** `jobs:run` exit code when another process holds the job's claim (sysexits EX_TEMPFAIL: try later). */
export const JOB_ALREADY_RUNNING_EXIT_CODE = 75;

/** kebab-case, so each name maps to one set of JOB_<NAME>_* variables and back. */
export const JOB_NAME_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** When a job does not say: long enough for a batch clean-up, short enough to notice a hang. */
export const DEFAULT_JOB_TIMEOUT_SECONDS = 300;

export const SCHEDULED_JOB_METADATA = 'm8e:scheduled-job';
export const JOB_LOCK = Symbol('JOB_LOCK');
