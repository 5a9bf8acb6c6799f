import type { Client } from 'pg';
import { ADVISORY_LOCK_NAMESPACE } from './jobs.constants';
import { advisoryLockKey, JobClaim, JobLock } from './job-lock';

/** How often the holder checks that its lock connection still answers. */
const HEARTBEAT_MS = 10_000;

/**
 * PostgreSQL: a session-level advisory lock on a connection of its own, held for the whole run.
 * The lock dies with the session, so a holder killed by SIGKILL or OOM frees it the moment its
 * socket closes: no expiry to wait out, no clock to trust, nothing to renew. The connection is
 * outside the TypeORM pool so a long job never starves the pool it queries through.
 * Not for PgBouncer in transaction mode, which does not keep a session per client.
 */
export class AdvisoryJobLock implements JobLock {
  constructor(private readonly databaseUrl: string) {}

  async tryClaim(job: string): Promise<JobClaim | null> {
    // Required here: only PostgreSQL services take this lock, and SQLite ones never load `pg`.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Client: PgClient } = require('pg') as typeof import('pg');
    const client: Client = new PgClient({
      connectionString: this.databaseUrl,
      application_name: `job ${job}`.slice(0, 63),
      connectionTimeoutMillis: 5000,
      query_timeout: 10_000,
      keepAlive: true,
    });
    const lost = new AbortController();
    // Without a listener a dropped connection would crash the process; here it aborts the run.
    client.on('error', (error) => lost.abort(error));
    await client.connect();
    let isLocked = false;
    try {
      // If this host vanishes without closing the socket, the server ends the session (and frees
      // the lock) after about 10 + 3 × 5 s instead of the kernel's default of hours.
      await client.query(
        'SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3',
      );
      const { rows } = await client.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock($1, $2) AS locked',
        [ADVISORY_LOCK_NAMESPACE, advisoryLockKey(job)],
      );
      isLocked = rows[0]?.locked === true;
    } finally {
      if (!isLocked) await client.end().catch(() => undefined);
    }
    return isLocked ? new AdvisoryClaim(client, lost) : null;
  }
}

class AdvisoryClaim implements JobClaim {
  private isReleased = false;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly client: Client,
    private readonly controller: AbortController,
  ) {
    client.on('end', () => {
      if (!this.isReleased) controller.abort(new Error('the advisory-lock connection closed'));
    });
    this.heartbeat = setInterval(() => {
      client.query('SELECT 1').catch((error: Error) => controller.abort(error));
    }, HEARTBEAT_MS).unref();
  }

  get lost(): AbortSignal {
    return this.controller.signal;
  }

  async release(): Promise<void> {
    if (this.isReleased) return;
    this.isReleased = true;
    clearInterval(this.heartbeat);
    // Ending the session releases the lock; an explicit unlock would be one more round trip.
    await this.client.end().catch(() => undefined);
  }
}
