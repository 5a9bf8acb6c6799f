import {
  And,
  EntityMetadata,
  Equal,
  FindOperator,
  FindOptionsWhere,
  In,
  IsNull,
  LessThan,
  LessThanOrEqual,
  MoreThan,
  MoreThanOrEqual,
} from 'typeorm';
import { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { parseTimestamp } from './cqrs-message';
import { SyncedColumns } from './synced-columns';

/** A `--filter` that cannot be used; its message names the key and what is wrong. */
export class SyncFilterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SyncFilterError';
  }
}

type Lookup = 'exact' | 'in' | 'gt' | 'gte' | 'lt' | 'lte';
type Scalar = string | number | boolean;
type Kind = 'number' | 'text' | 'date' | 'boolean';

const LOOKUPS: ReadonlySet<string> = new Set(['exact', 'in', 'gt', 'gte', 'lt', 'lte']);
const NUMBER_TYPES = new Set<unknown>([Number, 'integer', 'int', 'int4', 'int8', 'bigint', 'smallint']);
const DECIMAL_TYPES = new Set<unknown>(['decimal', 'numeric', 'float', 'double precision', 'real']);
const DATE_TYPES = new Set<unknown>([Date, 'datetime', 'timestamp', 'timestamptz', 'date']);
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const BOOLEAN_TYPES = new Set<unknown>([Boolean, 'boolean', 'bool']);

/**
 * The Django ORM lookup dict that `cqrs_sync -f` and `cqrs_diff_master -f` take, as a TypeORM
 * where: `{"id__in": [1, 2]}`, `{"field": value}` (also `field__exact`), `field__in`,
 * `field__gt/gte/lt/lte`. A field is named as on the wire (the column name, e.g. `created_at`),
 * by its entity property, or `pk`. Several lookups on one field must all hold (Django ANDs them).
 */
export function parseSyncFilter(text: string, metadata: EntityMetadata): FindOptionsWhere<SyncedColumns> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new SyncFilterError('--filter must be JSON, e.g. {"id__in": [1, 2]}');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new SyncFilterError('--filter must be a JSON object of lookups, e.g. {"id__in": [1, 2]}');
  const operators = new Map<string, FindOperator<unknown>[]>();
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    const { field, lookup } = splitKey(key);
    const column = findColumn(metadata, field);
    const operator = toOperator(key, lookup, kindOf(column), value);
    const list = operators.get(column.propertyName) ?? [];
    list.push(operator);
    operators.set(column.propertyName, list);
  }
  const where: Record<string, FindOperator<unknown>> = {};
  for (const [property, list] of operators) where[property] = list.length === 1 ? list[0] : And(...list);
  return where;
}

function splitKey(key: string): { field: string; lookup: Lookup } {
  const at = key.lastIndexOf('__');
  if (at > 0) {
    const suffix = key.slice(at + 2);
    if (LOOKUPS.has(suffix)) return { field: key.slice(0, at), lookup: suffix as Lookup };
    throw new SyncFilterError(
      `--filter key "${key}": lookup "${suffix}" is not supported (use exact, in, gt, gte, lt or lte)`,
    );
  }
  return { field: key, lookup: 'exact' };
}

function findColumn(metadata: EntityMetadata, field: string): ColumnMetadata {
  if (field === 'pk') return metadata.primaryColumns[0];
  const column =
    metadata.columns.find((candidate) => candidate.databaseName === field) ??
    metadata.findColumnWithPropertyName(field);
  if (column) return column;
  const names = metadata.columns.map((candidate) => candidate.databaseName).join(', ');
  throw new SyncFilterError(`--filter: unknown field "${field}" (fields: pk, ${names})`);
}

function kindOf(column: ColumnMetadata): Kind {
  if (NUMBER_TYPES.has(column.type) || DECIMAL_TYPES.has(column.type)) return 'number';
  if (DATE_TYPES.has(column.type)) return 'date';
  if (BOOLEAN_TYPES.has(column.type)) return 'boolean';
  return 'text';
}

function toOperator(key: string, lookup: Lookup, kind: Kind, value: unknown): FindOperator<unknown> {
  if (lookup === 'in') {
    if (!Array.isArray(value)) throw new SyncFilterError(`--filter key "${key}" needs a JSON array`);
    return In(value.map((item) => toValue(key, kind, item)));
  }
  if (lookup === 'exact') return value === null ? IsNull() : Equal(toValue(key, kind, value));
  if (kind === 'boolean')
    throw new SyncFilterError(`--filter key "${key}": a boolean field has no ${lookup}`);
  const operand = toValue(key, kind, value);
  if (lookup === 'gt') return MoreThan(operand);
  if (lookup === 'gte') return MoreThanOrEqual(operand);
  if (lookup === 'lt') return LessThan(operand);
  return LessThanOrEqual(operand);
}

/** One value, checked against the column's kind (a mistyped value is an error, not a DB error). */
function toValue(key: string, kind: Kind, value: unknown): Scalar | Date {
  const wrong = (what: string) =>
    new SyncFilterError(`--filter key "${key}" needs ${what}, got ${JSON.stringify(value)}`);
  switch (kind) {
    case 'number':
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
      throw wrong('a number');
    case 'boolean':
      if (typeof value === 'boolean') return value;
      throw wrong('true or false');
    case 'date': {
      // A bare date is midnight UTC, as Django reads it for a DateTimeField under USE_TZ.
      const text = typeof value === 'string' && DATE_ONLY.test(value) ? `${value} 00:00:00` : value;
      const date = typeof text === 'string' ? parseTimestamp(text) : null;
      if (date) return date;
      throw wrong('a timestamp such as "2026-11-25 20:00:00+00:00"');
    }
    default:
      if (typeof value === 'string') return value;
      if (typeof value === 'number') return String(value);
      throw wrong('a string');
  }
}
