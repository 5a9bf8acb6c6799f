import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { OutboxAnnouncer } from './outbox-announcer';

/** Marks a query runner whose open transaction wrote outbox rows (read back after its commit). */
const WROTE_OUTBOX = 'syncWroteOutbox';
/** Marks a query runner whose transaction `run()` opened: `run()` announces its commit itself. */
const OPENED_BY_RUN = 'syncOpenedByRun';

type CommitListener = () => void;

/**
 * Runs sync writes in a transaction: the caller's when it passes a manager inside one, otherwise
 * a new one. TypeORM's better-sqlite3 driver has ONE connection for the whole process, and a
 * second `transaction()` while one is open becomes a SAVEPOINT inside it; so on SQLite the sync
 * API's own transactions queue behind each other instead.
 */
export class SyncTransactions {
  private readonly isPostgres: boolean;
  private sqliteQueue: Promise<unknown> = Promise.resolve();
  private readonly commitListeners: CommitListener[] = [];
  private readonly announcer: OutboxAnnouncer | null;

  constructor(readonly dataSource: DataSource) {
    this.isPostgres = dataSource.options.type === 'postgres';
    // Other processes' relays hear of commits by NOTIFY; SQLite has one process, one relay.
    this.announcer = this.isPostgres ? new OutboxAnnouncer(dataSource) : null;
    // Transactions the caller opened commit without us: a subscriber hears their commit.
    dataSource.subscribers.push({
      afterTransactionCommit: (event: { queryRunner: QueryRunner }) => {
        const data = event.queryRunner.data as Record<string, unknown>;
        if (data[WROTE_OUTBOX] && !event.queryRunner.isTransactionActive) {
          delete data[WROTE_OUTBOX];
          this.notifyCommitted();
          if (!data[OPENED_BY_RUN]) void this.announcer?.announce();
        }
      },
      afterTransactionRollback: (event: { queryRunner: QueryRunner }) => {
        if (!event.queryRunner.isTransactionActive)
          delete (event.queryRunner.data as Record<string, unknown>)[WROTE_OUTBOX];
      },
    });
  }

  /** The payload of this process's outbox NOTIFYs (null on SQLite, which sends none). */
  get notifySenderId(): string | null {
    return this.announcer?.senderId ?? null;
  }

  get dialect(): 'postgres' | 'sqlite' {
    return this.isPostgres ? 'postgres' : 'sqlite';
  }

  /** Called after every commit that wrote outbox rows (the relay's in-process wake-up). */
  onCommitted(listener: CommitListener): void {
    this.commitListeners.push(listener);
  }

  /** Runs `work` inside `manager`'s transaction, or in a new one that commits when it resolves. */
  async run<T>(manager: EntityManager | undefined, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (manager?.queryRunner?.isTransactionActive) return work(manager);
    if (!this.isPostgres) return this.serially(() => this.dataSource.transaction(work));
    // TypeORM's transaction() by hand, so the connection is still ours after the commit: the
    // NOTIFY goes out on it at once instead of queueing for a pooled one behind other writes.
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const data = runner.data as Record<string, unknown>;
      data[OPENED_BY_RUN] = true;
      await runner.startTransaction();
      let result: T;
      let wroteOutbox: boolean;
      try {
        result = await work(runner.manager);
        wroteOutbox = data[WROTE_OUTBOX] === true;
        await runner.commitTransaction();
      } catch (error) {
        if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
        throw error;
      }
      // The caller goes on (a CLI may exit) only once the other processes' relays were told.
      if (wroteOutbox) await this.announcer?.announce(runner);
      return result;
    } finally {
      await runner.release();
    }
  }

  /** Runs `work` after every sync transaction before it (SQLite); PostgreSQL runs it at once. */
  serially<T>(work: () => Promise<T>): Promise<T> {
    if (this.isPostgres) return work();
    const result = this.sqliteQueue.then(work, work);
    this.sqliteQueue = result.catch(() => undefined);
    return result;
  }

  /** Row lock for a read inside a transaction (`FOR UPDATE`); SQLite's write lock covers it. */
  get writeLock(): { mode: 'pessimistic_write' } | undefined {
    return this.isPostgres ? { mode: 'pessimistic_write' } : undefined;
  }

  /** Share lock (`FOR SHARE`): waits for writers that hold the row, lets readers through. */
  get shareLock(): { mode: 'pessimistic_read' } | undefined {
    return this.isPostgres ? { mode: 'pessimistic_read' } : undefined;
  }

  /** Records that `manager`'s transaction wrote outbox rows, so its commit wakes the relay. */
  markOutboxWritten(manager: EntityManager): void {
    const runner = manager.queryRunner;
    if (runner) (runner.data as Record<string, unknown>)[WROTE_OUTBOX] = true;
  }

  private notifyCommitted(): void {
    for (const listener of this.commitListeners) listener();
  }
}
