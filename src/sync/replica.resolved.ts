import { DataSource, EntityMetadata } from 'typeorm';
import { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { JsonObject, parseTimestamp } from './cqrs-message';
import { EntityClass } from './master.definition';
import { ReplicaDefinition } from './replica.definition';
import { SyncedColumns } from './synced-columns';

/** A message that can never apply (missing pk, wrong types, a required field absent): parked at once. */
export class InvalidReplicaMessageError extends Error {
  constructor(cqrsId: string, detail: string) {
    super(`${cqrsId}: ${detail}`);
    this.name = 'InvalidReplicaMessageError';
  }
}

const DATE_TYPES = new Set<unknown>([
  Date,
  'datetime',
  'timestamp',
  'timestamp without time zone',
  'timestamptz',
  'date',
]);
const TEXT_TYPES = new Set<unknown>([String, 'varchar', 'character varying', 'text', 'uuid', 'char']);
const SYNC_PROPERTIES = new Set(['cqrsRevision', 'cqrsUpdated']);

interface FieldPlan {
  readonly column: ColumnMetadata;
  readonly source: string | ((data: JsonObject) => unknown);
  /** May be left out when the message lacks it (nullable or with a default). */
  readonly isOptional: boolean;
}

/** A replica definition checked against its entity: the pk and the field plan. */
export class ResolvedReplica<T extends SyncedColumns = SyncedColumns> {
  readonly cqrsId: string;
  readonly entity: EntityClass<T>;
  readonly metadata: EntityMetadata;
  readonly pkProperty: string;
  readonly pkField: string;
  private readonly pkColumn: ColumnMetadata;
  private readonly fields: readonly FieldPlan[];

  constructor(
    readonly definition: ReplicaDefinition<T>,
    dataSource: DataSource,
  ) {
    this.cqrsId = definition.cqrsId;
    this.entity = definition.entity;
    this.metadata = dataSource.getMetadata(definition.entity);
    if (this.metadata.primaryColumns.length !== 1)
      throw new Error(`sync replica ${definition.cqrsId}: the entity needs a single-column primary key`);
    this.pkColumn = this.metadata.primaryColumns[0];
    this.pkProperty = this.pkColumn.propertyName;
    const mapping = (definition.mapping ?? null) as Record<string, FieldPlan['source']> | null;
    const pkSource = mapping?.[this.pkProperty];
    this.pkField = definition.pkField ?? (typeof pkSource === 'string' ? pkSource : 'id');
    const plans: FieldPlan[] = [];
    for (const column of this.metadata.columns) {
      if (column === this.pkColumn || SYNC_PROPERTIES.has(column.propertyName)) continue;
      const source = mapping ? mapping[column.propertyName] : column.databaseName;
      if (source === undefined) continue;
      plans.push({ column, source, isOptional: column.isNullable || column.default !== undefined });
    }
    if (mapping)
      for (const property of Object.keys(mapping))
        if (property !== this.pkProperty && !plans.some((plan) => plan.column.propertyName === property))
          throw new Error(`sync replica ${definition.cqrsId}: ${property} is not a column of the entity`);
    this.fields = plans;
  }

  /** The pk as the replica stores it, from `instance_data[pkField]` (DELETE: always `id`). */
  pkFrom(data: JsonObject, field = this.pkField): string | number {
    const value = data[field];
    if (typeof value !== 'string' && typeof value !== 'number')
      throw new InvalidReplicaMessageError(
        this.cqrsId,
        `instance_data.${field} (the pk) must be a string or a number`,
      );
    return TEXT_TYPES.has(this.pkColumn.type) ? String(value) : value;
  }

  /** The entity's values from `instance_data`; throws InvalidReplicaMessageError if it cannot fit. */
  valuesFrom(data: JsonObject): Partial<T> {
    const values: Record<string, unknown> = {};
    for (const plan of this.fields) {
      let value: unknown;
      if (typeof plan.source === 'function') value = plan.source(data);
      else if (plan.source in data) value = data[plan.source];
      else if (plan.isOptional) continue;
      else
        throw new InvalidReplicaMessageError(
          this.cqrsId,
          `instance_data lacks ${plan.source}, required by ${plan.column.propertyName}`,
        );
      values[plan.column.propertyName] = this.convert(plan, value);
    }
    return values as Partial<T>;
  }

  private convert(plan: FieldPlan, value: unknown): unknown {
    if (value === null || value === undefined) {
      if (!plan.column.isNullable)
        throw new InvalidReplicaMessageError(this.cqrsId, `${plan.column.propertyName} cannot be null`);
      return null;
    }
    if (DATE_TYPES.has(plan.column.type) && typeof value === 'string') {
      const date = parseTimestamp(value);
      if (!date)
        throw new InvalidReplicaMessageError(
          this.cqrsId,
          `${plan.column.propertyName}: not a timestamp: ${value}`,
        );
      return date;
    }
    if (TEXT_TYPES.has(plan.column.type) && typeof value === 'number') return String(value);
    return value;
  }
}
