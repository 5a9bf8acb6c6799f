import { createHash } from 'node:crypto';

/** The right to run one job now. Exclusive across every process sharing the database. */
export interface JobClaim {
  /** Aborted if the claim is lost while held (lock connection dropped, lease taken over). */
  readonly lost: AbortSignal;
  /** Gives the claim up; safe to call more than once. */
  release(): Promise<void>;
}

/**
 * How a process claims a job. PostgreSQL: a session advisory lock on a dedicated connection
 * (advisory-job-lock.ts). SQLite: a lease row with an expiry (lease-job-lock.ts).
 */
export interface JobLock {
  /** The claim, or null at once when another run (here or elsewhere) holds it. */
  tryClaim(job: string): Promise<JobClaim | null>;
}

/** The job's second advisory-lock key: 32 bits of SHA-256 of its name. */
export function advisoryLockKey(job: string): number {
  return createHash('sha256').update(job).digest().readInt32BE(0);
}
