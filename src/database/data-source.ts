import { isAbsolute, resolve } from 'node:path';
import { DataSource, DataSourceOptions, EntitySchema } from 'typeorm';
import { QueryLogger } from './query-logger';
import { Settings } from '../settings/settings';
import { MIGRATIONS } from './migrations';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own entity type
export type EntityClass = Function | EntitySchema;

const PG_TIMESTAMP_WITHOUT_TIME_ZONE = 1114;

/**
 * Timestamps are stored as UTC on both databases. `timestamp` (without time zone) is the
 * type TypeORM maps `Date` to on PostgreSQL; pg would otherwise write and read it in the
 * process's local zone, so a pod in another zone would shift every date. Defaults computed by
 * the server (`now()`) follow the session's zone, which each connection pins to UTC.
 */
function storeTimestampsAsUtc(): void {
  // Loaded here, not at the top: a service on SQLite never loads the PostgreSQL driver.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { types: pgTypes, defaults: pgDefaults } = require('pg') as typeof import('pg');
  pgDefaults.parseInputDatesAsUTC = true;
  pgTypes.setTypeParser(
    PG_TIMESTAMP_WITHOUT_TIME_ZONE,
    (value: string) => new Date(`${value.replace(' ', 'T')}Z`),
  );
}

/** Tools that build a DataSource of their own (generators, benchmarks) may leave the timeouts out. */
export type DataSourceSettings = Pick<Settings, 'database' | 'debug'> &
  Partial<Pick<Settings, 'databaseTimeouts'>>;

/** The one place DataSource options are built: used by the app, the CLI and the tests. */
export function dataSourceOptions(
  settings: DataSourceSettings,
  entities: readonly EntityClass[] = [],
): DataSourceOptions {
  const common = {
    entities: [...entities],
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    // Schema changes go through migrations only; see `npm run cli -- migrate:generate`.
    synchronize: false,
    logging: ['error', 'warn', 'migration'] as ('error' | 'warn' | 'migration')[],
    logger: new QueryLogger(settings.debug),
  };
  if (settings.database.type === 'postgres') {
    storeTimestampsAsUtc();
    return {
      ...common,
      type: 'postgres',
      url: settings.database.url,
      extra: {
        max: 10,
        // A database that is down or hangs answers with an error in bounded time (→ 503), never
        // a request that waits for ever; the pool reconnects by itself once it is back.
        connectionTimeoutMillis: settings.databaseTimeouts?.connectMs ?? 5000,
        query_timeout: settings.databaseTimeouts?.queryMs,
        idleTimeoutMillis: 30000,
        // `now()` defaults are converted to `timestamp` in the session's zone, which is the
        // server's or the database's setting unless the session says otherwise.
        options: '-c TimeZone=UTC',
      },
    };
  }
  const path = settings.database.path;
  return {
    ...common,
    type: 'better-sqlite3',
    database: path === ':memory:' || isAbsolute(path) ? path : resolve(path),
    // WAL lets readers (health checks, the CLI) run while the app writes.
    prepareDatabase: (db: { pragma(sql: string): unknown }) => {
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 5000');
      db.pragma('foreign_keys = ON');
    },
  };
}

export function createDataSource(
  settings: DataSourceSettings,
  entities: readonly EntityClass[] = [],
): DataSource {
  return new DataSource(dataSourceOptions(settings, entities));
}
