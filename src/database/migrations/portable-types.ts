import { QueryRunner } from 'typeorm';

/**
 * Column types that mean the same on SQLite and PostgreSQL, matching what TypeORM maps the
 * entity property types to, so one migration serves both databases and `migrate:generate`
 * finds no difference afterwards.
 */
export function portableTypes(queryRunner: QueryRunner) {
  const isPostgres = queryRunner.connection.options.type === 'postgres';
  return {
    uuid: isPostgres ? 'uuid' : 'varchar',
    timestamp: isPostgres ? 'timestamp' : 'datetime',
    json: isPostgres ? 'jsonb' : 'text',
    now: isPostgres ? 'now()' : "datetime('now')",
    // SQLite stores booleans as integers; TypeORM compares defaults in that form.
    true: isPostgres ? 'true' : '1',
    false: isPostgres ? 'false' : '0',
  } as const;
}
