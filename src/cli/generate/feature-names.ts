import { CliError } from '../cli-error';

/** Every spelling of a feature's name that the generated code uses, derived from one kebab-case name. */
export interface FeatureNames {
  /** As given, singular: `purchase-order` (file names of the entity and DTOs). */
  readonly kebab: string;
  /** `purchase-orders`: the folder, the route `/api/purchase-orders`, the Swagger tag. */
  readonly kebabPlural: string;
  /** `PurchaseOrder`: the entity class. */
  readonly pascal: string;
  /** `PurchaseOrders`: module, controller and service classes. */
  readonly pascalPlural: string;
  /** `purchaseOrder` */
  readonly camel: string;
  /** `purchaseOrders`: the service's repository property. */
  readonly camelPlural: string;
  /** `purchase_order`: the sync `cqrs_id`. */
  readonly snake: string;
  /** `purchase_orders`: the table. */
  readonly table: string;
  /** `PURCHASE_ORDER`: constants. */
  readonly constant: string;
  /** `purchase order`: error messages. */
  readonly words: string;
  /** `purchase orders` */
  readonly wordsPlural: string;
}

/** Lowercase letters and digits in hyphen-separated words, starting with a letter. */
const NAME_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

// The table's index names (`IDX_<table>_created_at`) must fit PostgreSQL's 63-character identifiers.
export const MAX_NAME_LENGTH = 40;

/**
 * Names the template (or Nest, TypeORM, the routes) already uses for something else; checked in
 * singular and plural. Existing folders, tables and routes are refused separately, by looking.
 */
export const RESERVED_NAMES: ReadonlySet<string> = new Set([
  'admin',
  'api',
  'app',
  'auth',
  'bus',
  'cli',
  'database',
  'doc',
  'health',
  'http',
  'inbox',
  'index',
  'item',
  'job',
  'logging',
  'me',
  'metric',
  'migration',
  'outbox',
  'platform',
  'setting',
  'sync',
  'test',
  'token',
  'user',
  'well-known',
]);

/**
 * Identifiers the generated files import or use as globals: a feature whose class would carry
 * one of these names (`table` → `Table`) would not compile.
 */
const TAKEN_IDENTIFIERS: ReadonlySet<string> = new Set(
  (
    'Array Boolean Body Column Controller CreateDateColumn DataSource Date Delete Entity Error Function ' +
    'Get HttpCode Index Injectable JSON Map Math MigrationInterface Module NotFoundException Number ' +
    'Object Param ParseUUIDPipe Partial PartialType Patch Post Promise Query QueryRunner Record ' +
    'Repository Roles Set String Symbol SyncModule SyncedColumns Table TableIndex Type TypeOrmModule ' +
    'UpdateDateColumn'
  ).split(' '),
);

/** English plural of the last word: `box` → `boxes`, `category` → `categories`, `invoice` → `invoices`. */
export function pluralize(word: string): string {
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(word)) return `${word}es`;
  return `${word}s`;
}

/** Checks the name and derives every spelling; a bad name is a CliError of one line. */
export function deriveFeatureNames(name: string): FeatureNames {
  const refuse = (why: string) => new CliError(`feature name "${name}" ${why}`);
  if (!NAME_PATTERN.test(name))
    throw refuse(
      'must be lowercase letters and digits in words joined by single hyphens, starting with a letter (e.g. invoice, purchase-order)',
    );
  if (name.length > MAX_NAME_LENGTH) throw refuse(`must be at most ${MAX_NAME_LENGTH} characters`);
  const kebabPlural = pluralize(name);
  if (RESERVED_NAMES.has(name) || RESERVED_NAMES.has(kebabPlural) || RESERVED_NAMES.has(singularOf(name)))
    throw refuse('is reserved by the template; choose another');

  const words = name.split('-');
  const pascal = words.map(capitalize).join('');
  const pascalPlural =
    pascal.slice(0, pascal.length - words[words.length - 1].length) +
    capitalize(pluralize(words[words.length - 1]));
  const names: FeatureNames = {
    kebab: name,
    kebabPlural,
    pascal,
    pascalPlural,
    camel: pascal[0].toLowerCase() + pascal.slice(1),
    camelPlural: pascalPlural[0].toLowerCase() + pascalPlural.slice(1),
    snake: words.join('_'),
    table: kebabPlural.replace(/-/g, '_'),
    constant: words.join('_').toUpperCase(),
    words: words.join(' '),
    wordsPlural: kebabPlural.replace(/-/g, ' '),
  };
  const clash = classNames(names).find((className) => TAKEN_IDENTIFIERS.has(className));
  if (clash) throw refuse(`would name a class ${clash}, which the generated code already imports`);
  return names;
}

/** The classes a feature declares. */
export function classNames(names: FeatureNames): string[] {
  const { pascal, pascalPlural } = names;
  return [
    pascal,
    `${pascalPlural}Module`,
    `${pascalPlural}Controller`,
    `${pascalPlural}Service`,
    `Create${pascal}Dto`,
    `Update${pascal}Dto`,
    `List${pascalPlural}Query`,
    `${pascal}Response`,
    `${pascal}Page`,
  ];
}

/** `items` → `item`: so a plural given as the name still meets the reserved list. */
function singularOf(word: string): string {
  if (word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (/(s|x|z|ch|sh)es$/.test(word)) return word.slice(0, -2);
  return word.endsWith('s') ? word.slice(0, -1) : word;
}

function capitalize(word: string): string {
  return word[0].toUpperCase() + word.slice(1);
}
