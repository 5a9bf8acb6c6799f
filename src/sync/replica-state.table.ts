import { EntityManager } from 'typeorm';
import { SignalType } from './cqrs-message';
import { SqlParameters } from './sql-values';
import { TABLES } from './sync.constants';

/**
 * The replica's bookkeeping, written in the apply transaction:
 * - `sync_inbox` (cqrs_id, instance_pk, signal_type, cqrs_revision): one row per SAVE/DELETE
 *   event handled, so redelivering an event finds it and does nothing (at most once).
 * - `sync_tombstones` (cqrs_id, instance_pk) → cqrs_revision of the DELETE: a later SAVE with a
 *   lower or equal revision cannot bring the row back.
 */
export class ReplicaState {
  private readonly dialect: 'postgres' | 'sqlite';

  constructor(
    private readonly manager: EntityManager,
    private readonly cqrsId: string,
    private readonly pk: string,
  ) {
    this.dialect = manager.connection.options.type === 'postgres' ? 'postgres' : 'sqlite';
  }

  /**
   * Serializes every apply of this instance across processes until the transaction ends
   * (PostgreSQL advisory lock; it also covers an instance that has no row to lock yet).
   */
  async lockInstance(): Promise<void> {
    if (this.dialect !== 'postgres') return;
    await this.manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
      `sync:${this.cqrsId}:${this.pk}`,
    ]);
  }

  /** Records the event; false when it was recorded before (a duplicate). */
  async recordInInbox(signal: SignalType, revision: number): Promise<boolean> {
    const p = new SqlParameters(this.dialect);
    const rows = await this.manager.query<unknown[]>(
      `INSERT INTO ${TABLES.inbox} (cqrs_id, instance_pk, signal_type, cqrs_revision, applied_at)
       VALUES (${p.list([this.cqrsId, this.pk, signal, revision, new Date()])})
       ON CONFLICT DO NOTHING RETURNING cqrs_revision`,
      p.values,
    );
    return rows.length > 0;
  }

  /** The revision of the DELETE that removed this instance, or null. */
  async tombstoneRevision(): Promise<number | null> {
    const p = new SqlParameters(this.dialect);
    const rows = await this.manager.query<{ cqrs_revision: number | string }[]>(
      `SELECT cqrs_revision FROM ${TABLES.tombstones} WHERE cqrs_id = ${p.add(this.cqrsId)} AND instance_pk = ${p.add(this.pk)}`,
      p.values,
    );
    return rows.length === 0 ? null : Number(rows[0].cqrs_revision);
  }

  async writeTombstone(revision: number): Promise<void> {
    const p = new SqlParameters(this.dialect);
    await this.manager.query(
      `INSERT INTO ${TABLES.tombstones} (cqrs_id, instance_pk, cqrs_revision, deleted_at)
       VALUES (${p.list([this.cqrsId, this.pk, revision, new Date()])})
       ON CONFLICT (cqrs_id, instance_pk)
       DO UPDATE SET cqrs_revision = excluded.cqrs_revision, deleted_at = excluded.deleted_at`,
      p.values,
    );
  }

  /** The instance exists again (re-created with a newer revision): its tombstone goes. */
  async removeTombstone(): Promise<void> {
    const p = new SqlParameters(this.dialect);
    await this.manager.query(
      `DELETE FROM ${TABLES.tombstones} WHERE cqrs_id = ${p.add(this.cqrsId)} AND instance_pk = ${p.add(this.pk)}`,
      p.values,
    );
  }
}
