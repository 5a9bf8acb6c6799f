import { DataSource, EntityMetadata } from 'typeorm';
import {
  InstancePk,
  JsonObject,
  SignalType,
  formatPythonDatetime,
  toInstancePk,
  toWireValue,
} from './cqrs-message';
import { DEFAULT_MESSAGE_TTL_SECONDS } from './sync.constants';
import { SyncedColumns } from './synced-columns';
import { currentCorrelationId } from '../platform/correlation';

export type EntityClass<T> = new () => T;
type PropertyOf<T> = Exclude<keyof T, keyof SyncedColumns> & string;

/**
 * Declares an entity the master of a `cqrs_id` (django-cqrs `MasterMixin`). Only `cqrsId` and
 * `entity` are required; the entity extends `SyncedColumns` and has a single-column primary key.
 */
export interface MasterDefinition<T extends SyncedColumns = SyncedColumns> {
  readonly cqrsId: string;
  readonly entity: EntityClass<T>;
  /**
   * Fields that travel in `instance_data` (django-cqrs `CQRS_FIELDS`): property names, sent under
   * their column names, or `{ wire_name: 'property' }`. Default: every column. Ignored with `serialize`.
   */
  readonly fields?: readonly PropertyOf<T>[] | Readonly<Record<string, PropertyOf<T>>>;
  /** Builds `instance_data` itself (django-cqrs `CQRS_SERIALIZER`); `cqrs_revision`/`cqrs_updated` are appended. */
  readonly serialize?: (row: T) => JsonObject;
  /** Properties whose old values travel in `previous_data` (django-cqrs `CQRS_TRACKED_FIELDS`). */
  readonly trackedFields?: readonly PropertyOf<T>[];
  /** Rows for which this returns false change revision but publish nothing (`is_sync_instance`). */
  readonly shouldSync?: (row: T) => boolean;
  /** Body `meta` (django-cqrs `meta_function`); default `{}`. */
  readonly meta?: (row: T, signal: SignalType) => unknown;
  /**
   * Body `correlation_id` (django-cqrs `correlation_function`). Default: the correlation id in
   * scope when the change is written (the HTTP request id, or the id of the bus message being
   * handled), else null.
   */
  readonly correlationId?: (
    signal: SignalType,
    cqrsId: string,
    pk: InstancePk,
    queue: string | null,
  ) => unknown;
  /** Seconds from publish to `expires` (django-cqrs `CQRS_MESSAGE_TTL`); null = never. Default 86400. */
  readonly messageTtlSeconds?: number | null;
}

/** A definition checked against the entity's metadata, with its serializer built. */
export class ResolvedMaster<T extends SyncedColumns = SyncedColumns> {
  readonly cqrsId: string;
  readonly entity: EntityClass<T>;
  readonly metadata: EntityMetadata;
  /** Property name of the primary key. */
  readonly pkProperty: string;
  /** Its name on the wire (the column name, as a Django field name). */
  readonly pkWireName: string;
  readonly ttlSeconds: number | null;
  private readonly wireFields: readonly (readonly [wire: string, property: string])[];
  private readonly tracked: readonly (readonly [wire: string, property: string])[];

  constructor(
    readonly definition: MasterDefinition<T>,
    dataSource: DataSource,
  ) {
    this.cqrsId = definition.cqrsId;
    this.entity = definition.entity;
    this.metadata = dataSource.getMetadata(definition.entity);
    if (this.metadata.primaryColumns.length !== 1)
      throw new Error(`sync master ${definition.cqrsId}: the entity needs a single-column primary key`);
    const pk = this.metadata.primaryColumns[0];
    this.pkProperty = pk.propertyName;
    this.pkWireName = pk.databaseName;
    this.ttlSeconds =
      definition.messageTtlSeconds === undefined ? DEFAULT_MESSAGE_TTL_SECONDS : definition.messageTtlSeconds;
    const wireName = (property: string): string => {
      const column = this.metadata.findColumnWithPropertyName(property);
      if (!column) throw new Error(`sync master ${definition.cqrsId}: ${property} is not a column`);
      return column.databaseName;
    };
    const syncColumns = new Set(['cqrsRevision', 'cqrsUpdated', this.pkProperty]);
    const { fields } = definition;
    if (fields === undefined)
      this.wireFields = this.metadata.columns
        .filter((column) => !syncColumns.has(column.propertyName))
        .map((column) => [column.databaseName, column.propertyName] as const);
    else if (Array.isArray(fields))
      this.wireFields = (fields as readonly string[]).map(
        (property) => [wireName(property), property] as const,
      );
    else this.wireFields = Object.entries(fields as Record<string, string>);
    this.tracked = (definition.trackedFields ?? []).map((property) => {
      const known = this.wireFields.find(([, p]) => p === property);
      return [known ? known[0] : wireName(property), property] as const;
    });
  }

  pkOf(row: T): unknown {
    return (row as unknown as Record<string, unknown>)[this.pkProperty];
  }

  instancePkOf(row: T): InstancePk {
    return toInstancePk(this.pkOf(row));
  }

  shouldSync(row: T): boolean {
    return this.definition.shouldSync?.(row) ?? true;
  }

  /** `instance_data` of a SAVE/SYNC, with Django's key order. */
  serialize(row: T): JsonObject {
    const revision = { cqrs_revision: row.cqrsRevision, cqrs_updated: formatPythonDatetime(row.cqrsUpdated) };
    if (this.definition.serialize) return { ...this.definition.serialize(row), ...revision };
    const data: JsonObject = { [this.pkWireName]: toWireValue(this.pkOf(row)), ...revision };
    const values = row as unknown as Record<string, unknown>;
    for (const [wire, property] of this.wireFields) data[wire] = toWireValue(values[property]);
    return data;
  }

  /** `previous_data`: null without tracked fields; else the tracked fields that changed, old values. */
  previousData(before: T | null, after: T): JsonObject | null {
    if (this.tracked.length === 0) return null;
    const previous: JsonObject = {};
    const old = before as unknown as Record<string, unknown> | null;
    const now = after as unknown as Record<string, unknown>;
    for (const [wire, property] of this.tracked) {
      const newValue = toWireValue(now[property]);
      if (old === null) {
        if (newValue !== null) previous[wire] = null; // Django: created rows list non-null tracked fields
        continue;
      }
      const oldValue = toWireValue(old[property]);
      if (JSON.stringify(oldValue) !== JSON.stringify(newValue)) previous[wire] = oldValue;
    }
    return previous;
  }

  meta(row: T, signal: SignalType): unknown {
    return this.definition.meta ? this.definition.meta(row, signal) : {};
  }

  correlationId(signal: SignalType, pk: InstancePk, queue: string | null): unknown {
    if (!this.definition.correlationId) return currentCorrelationId() || null;
    return this.definition.correlationId(signal, this.cqrsId, pk, queue) ?? null;
  }
}
