import { EntityManager } from 'typeorm';
import { CqrsBody, JsonObject } from './cqrs-message';
import { EntityClass } from './master.definition';
import { SyncedColumns } from './synced-columns';

type PropertyOf<T> = Exclude<keyof T, keyof SyncedColumns> & string;

/** How one replica property is filled: a master field name, or a function of `instance_data`. */
export type FieldSource<T, P extends keyof T> = string | ((data: JsonObject) => T[P]);

/** What a hook gets: the transaction (row still locked), the message and the row. */
export interface ReplicaEvent<T> {
  readonly manager: EntityManager;
  readonly body: CqrsBody;
  /** The row after the change (create/update), or as it was (delete; null if it was not there). */
  readonly row: T | null;
  /** The pk as the replica stores it. */
  readonly pk: string | number;
}

/**
 * Declares an entity the replica of a master's `cqrs_id` (django-cqrs `ReplicaMixin`). The entity
 * extends `SyncedColumns`; the applier stores `cqrs_revision`/`cqrs_updated` from the message.
 */
export interface ReplicaDefinition<T extends SyncedColumns = SyncedColumns> {
  readonly cqrsId: string;
  readonly entity: EntityClass<T>;
  /**
   * Property → master field name (or a function of `instance_data`), django-cqrs `CQRS_MAPPING`.
   * The pk property is required. Default: every column, by its column name. Master fields not
   * listed are dropped; a listed field missing from the message (and not nullable) parks it.
   */
  readonly mapping?: { readonly [P in PropertyOf<T>]?: FieldSource<T, P> };
  /** The master field that carries the pk in `instance_data` (default `id`). */
  readonly pkField?: string;
  /** Run in the apply transaction, with the row locked; a throw rolls back and retries. */
  readonly onCreate?: (event: ReplicaEvent<T>) => Promise<void> | void;
  readonly onUpdate?: (event: ReplicaEvent<T>) => Promise<void> | void;
  readonly onDelete?: (event: ReplicaEvent<T>) => Promise<void> | void;
  /** Run after the apply transaction committed (e.g. to evict caches); errors are logged only. */
  readonly afterCommit?: (event: Omit<ReplicaEvent<T>, 'manager'>) => void;
}
