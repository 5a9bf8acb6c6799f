import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { JOB_LEASES_TABLE } from './jobs.constants';
import { JobClaim, JobLock } from './job-lock';

/** A holder that stops renewing (killed, frozen) loses the claim after this long. */
const LEASE_TTL_MS = 30_000;

/**
 * SQLite: a lease row per job, renewed every TTL/3 while the run goes on. Every process on the
 * file (the server, a `jobs:run` next to it) sees it, and a killed holder's lease expires after
 * 30 s. Writers are serialised by SQLite, so one upsert decides the claim. Times are this
 * machine's clock, which every process on one SQLite file shares.
 */
export class LeaseJobLock implements JobLock {
  constructor(
    private readonly dataSource: DataSource,
    private readonly ttlMs = LEASE_TTL_MS,
  ) {}

  async tryClaim(job: string): Promise<JobClaim | null> {
    const holder = randomUUID();
    const now = Date.now();
    await this.dataSource.query(
      `INSERT INTO ${JOB_LEASES_TABLE} (job_name, holder, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (job_name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
       WHERE ${JOB_LEASES_TABLE}.expires_at < ?`,
      [job, holder, now + this.ttlMs, now],
    );
    if (!(await this.isHeldBy(job, holder))) return null;
    return new LeaseClaim(this, job, holder, this.ttlMs);
  }

  async renew(job: string, holder: string): Promise<boolean> {
    await this.dataSource.query(
      `UPDATE ${JOB_LEASES_TABLE} SET expires_at = ? WHERE job_name = ? AND holder = ?`,
      [Date.now() + this.ttlMs, job, holder],
    );
    return this.isHeldBy(job, holder);
  }

  async drop(job: string, holder: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM ${JOB_LEASES_TABLE} WHERE job_name = ? AND holder = ?`, [
      job,
      holder,
    ]);
  }

  private async isHeldBy(job: string, holder: string): Promise<boolean> {
    const rows = await this.dataSource.query<{ holder: string }[]>(
      `SELECT holder FROM ${JOB_LEASES_TABLE} WHERE job_name = ?`,
      [job],
    );
    return rows[0]?.holder === holder;
  }
}

class LeaseClaim implements JobClaim {
  private readonly controller = new AbortController();
  private readonly renewal: NodeJS.Timeout;
  private isReleased = false;

  constructor(
    private readonly lock: LeaseJobLock,
    private readonly job: string,
    private readonly holder: string,
    ttlMs: number,
  ) {
    this.renewal = setInterval(() => {
      this.lock.renew(job, holder).then(
        (isHeld) => isHeld || this.controller.abort(new Error('the lease expired and was taken over')),
        (error: Error) => this.controller.abort(error),
      );
    }, ttlMs / 3).unref();
  }

  get lost(): AbortSignal {
    return this.controller.signal;
  }

  async release(): Promise<void> {
    if (this.isReleased) return;
    this.isReleased = true;
    clearInterval(this.renewal);
    await this.lock.drop(this.job, this.holder).catch(() => undefined);
  }
}
