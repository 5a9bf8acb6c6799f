import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
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
 * single next one, so a burst of commits costs two NOTIFYs, not one each.
 */
export class OutboxAnnouncer {
  private readonly logger = new Logger('OutboxAnnouncer');
  private current: Promise<void> | null = null;
  private next: Promise<void> | null = null;
  private lastWarnedAt = 0;

  constructor(private readonly dataSource: DataSource) {}

  /** Resolves once a NOTIFY sent after this call is done (never rejects: failures are logged). */
  announce(): Promise<void> {
    if (!this.current) {
      this.current = this.send().finally(() => (this.current = null));
      return this.current;
    }
    // One in flight may have gone out before the caller's commit: wait for the one after it.
    this.next ??= this.current.then(() => {
      this.next = null;
      return this.announce();
    });
    return this.next;
  }

  private async send(): Promise<void> {
    if (!this.dataSource.isInitialized) return;
    try {
      await this.dataSource.query('SELECT pg_notify($1, $2)', [OUTBOX_NOTIFY_CHANNEL, '']);
    } catch (error) {
      if (!this.dataSource.isInitialized || Date.now() - this.lastWarnedAt < WARN_EVERY_MS) return;
      this.lastWarnedAt = Date.now();
      this.logger.warn(
        `could not NOTIFY the relays (${describeError(error)}); they publish at their next poll`,
      );
    }
  }
}
