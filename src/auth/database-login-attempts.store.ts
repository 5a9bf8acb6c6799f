import { createHmac } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AttemptWindow, LoginAttemptsStore, LoginLimitKind } from './login-attempts.store';

/**
 * Counts every replica's attempts in `login_attempts`, one atomic upsert per count (the same SQL
 * on PostgreSQL and SQLite 3.35+), so N replicas allow what one does. Rows whose window ended are
 * deleted at most once per window per process; a hit on such a row starts a new window anyway.
 */
export class DatabaseLoginAttemptsStore implements LoginAttemptsStore {
  private readonly logger = new Logger(DatabaseLoginAttemptsStore.name);
  private nextPruneAtMs = 0;

  constructor(
    private readonly dataSource: DataSource,
    /** Keys the HMAC that names a row, so usernames and addresses never reach the table. */
    private readonly secretKey: string,
  ) {}

  async hit(kind: LoginLimitKind, key: string, windowMs: number): Promise<AttemptWindow> {
    const now = Date.now();
    const [sql, parameters] = this.dataSource.driver.escapeQueryWithParameters(
      `INSERT INTO login_attempts (id, attempts, window_ends_at) VALUES (:id, 1, :windowEndsAt)
       ON CONFLICT (id) DO UPDATE SET
         attempts = CASE WHEN login_attempts.window_ends_at <= :now THEN 1 ELSE login_attempts.attempts + 1 END,
         window_ends_at = CASE WHEN login_attempts.window_ends_at <= :now THEN :windowEndsAt ELSE login_attempts.window_ends_at END
       RETURNING attempts, window_ends_at`,
      { id: this.rowId(kind, key), now, windowEndsAt: now + windowMs },
    );
    const rows = await this.dataSource.query<
      { attempts: number | string; window_ends_at: number | string }[]
    >(sql, parameters);
    if (now >= this.nextPruneAtMs) this.prune(now, windowMs);
    return { count: Number(rows[0].attempts), resetAtMs: Number(rows[0].window_ends_at) };
  }

  private rowId(kind: LoginLimitKind, key: string): string {
    return createHmac('sha256', this.secretKey).update(`${kind}\n${key}`).digest('base64url');
  }

  /** Not awaited: a slow delete must not hold up a login. */
  private prune(now: number, windowMs: number): void {
    this.nextPruneAtMs = now + windowMs;
    this.dataSource
      .createQueryBuilder()
      .delete()
      .from('login_attempts')
      .where('window_ends_at <= :now', { now })
      .execute()
      .catch((error: Error) => this.logger.warn(`could not prune login_attempts: ${error.message}`));
  }
}
