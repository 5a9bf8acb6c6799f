import { EntityManager } from 'typeorm';
import { SqlParameters } from './sql-values';
import { TABLES } from './sync.constants';

/**
 * The replica's tombstones of one instance, written in the apply transaction (the inbox rows are
 * written for a whole batch by ReplicaBatchState):
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
