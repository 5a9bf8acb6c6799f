import { Column } from 'typeorm';

/**
 * The two columns every master and replica entity carries (django-cqrs `MasterMixin` /
 * `ReplicaMixin`): `class Item extends SyncedColumns { … }`. The sync API writes both; nothing
 * else should. The migration adds them with `cqrs_revision` default 0 and `cqrs_updated` default
 * CURRENT_TIMESTAMP.
 */
export abstract class SyncedColumns {
  /** 0 on create, +1 per committed change (incremented in SQL under the row lock). */
  @Column({ name: 'cqrs_revision', type: 'integer', default: 0 })
  cqrsRevision!: number;

  /** When the master last changed the row (Django `auto_now`). */
  @Column({ name: 'cqrs_updated', default: () => 'CURRENT_TIMESTAMP' })
  cqrsUpdated!: Date;
}
