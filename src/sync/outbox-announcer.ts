import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { DataSource, QueryRunner } from 'typeorm';
import { describeError } from '../bus/bus.errors';
import { OUTBOX_NOTIFY_CHANNEL } from './sync.constants';

/** A failing NOTIFY is logged at most this often (the relays' fallback poll still publishes). */
const WARN_EVERY_MS = 60_000;

/**
 * Tells the relays of every process on the database that outbox rows were committed: a
 * PostgreSQL NOTIFY sent AFTER the writer's commit, in a statement of its own.
 *
 * Not inside the writing transaction (a trigger did that before): PostgreSQL serialises the
 * commits of every transaction that notified, fsync included, on one global lock, which cut
 * single-row writes to a third of what the database commits without it (489–621 against
 * 1,456–1,479 commits/s with 10 connections, measured here). A NOTIFY of its own holds no
 * writer's commit, and it is coalesced: while one is in flight, every later commit waits for the
 * single next one, so commits that overlap share NOTIFYs. It goes out on the connection that
 * just committed (still held), not a pooled one: queued behind other writes for a connection,
 * it made a single-row write take 77 ms at the median instead of 25 (same bench, loaded machine).
 */
export class OutboxAnnouncer {
  /**
   * The NOTIFY's payload: the relay of the process that sent it has been woken in-process
   * already (SyncTransactions.onCommitted) and ignores its own, which otherwise woke a second
   * lane into an empty pass after every local commit.
   */
  readonly senderId = randomUUID();
  private readonly logger = new Logger('OutboxAnnouncer');
  private current: Promise<void> | null = null;
  private next: Promise<void> | null = null;
  private lastWarnedAt = 0;

  constructor(private readonly dataSource: DataSource) {}

  /**
   * Resolves once a NOTIFY sent after this call is done (never rejects: failures are logged).
   * `runner`: the caller's connection, just committed and still held, which sends the NOTIFY if
   * this call is the one to send it (no wait for a pooled connection); the pool's otherwise.
   */
  announce(runner?: QueryRunner): Promise<void> {
    if (!this.current) {
      this.current = this.send(runner).finally(() => (this.current = null));
      return this.current;
    }
    // One in flight may have gone out before the caller's commit: wait for the one after it.
    this.next ??= this.current.then(() => {
      this.next = null;
      return this.announce(runner);
    });
    return this.next;
  }

  private async send(runner: QueryRunner | undefined): Promise<void> {
    if (!this.dataSource.isInitialized) return;
    try {
      const query = 'SELECT pg_notify($1, $2)';
      const parameters = [OUTBOX_NOTIFY_CHANNEL, this.senderId];
      await (runner && !runner.isReleased
        ? runner.query(query, parameters)
        : this.dataSource.query(query, parameters));
    } catch (error) {
      if (!this.dataSource.isInitialized || Date.now() - this.lastWarnedAt < WARN_EVERY_MS) return;
      this.lastWarnedAt = Date.now();
      this.logger.warn(
        `could not NOTIFY the relays (${describeError(error)}); they publish at their next poll`,
      );
    }
  }
}
