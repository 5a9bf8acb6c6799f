"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.dataSourceOptions = dataSourceOptions;
exports.createDataSource = createDataSource;
const node_path_1 = require("node:path");
const pg_1 = require("pg");
const typeorm_1 = require("typeorm");
const query_logger_1 = require("./query-logger");
const migrations_1 = require("./migrations");
const PG_TIMESTAMP_WITHOUT_TIME_ZONE = 1114;
function storeTimestampsAsUtc() {
    pg_1.defaults.parseInputDatesAsUTC = true;
    pg_1.types.setTypeParser(PG_TIMESTAMP_WITHOUT_TIME_ZONE, (value) => new Date(`${value.replace(' ', 'T')}Z`));
}
function dataSourceOptions(settings, entities = []) {
    const common = {
        entities: [...entities],
        migrations: migrations_1.MIGRATIONS,
        migrationsTableName: 'migrations',
        synchronize: false,
        logging: ['error', 'warn', 'migration'],
        logger: new query_logger_1.QueryLogger(settings.debug),
    };
    if (settings.database.type === 'postgres') {
        storeTimestampsAsUtc();
        return {
            ...common,
            type: 'postgres',
            url: settings.database.url,
            extra: {
                max: 10,
                connectionTimeoutMillis: 5000,
                idleTimeoutMillis: 30000,
                options: '-c TimeZone=UTC',
            },
        };
    }
    const path = settings.database.path;
    return {
        ...common,
        type: 'better-sqlite3',
        database: path === ':memory:' || (0, node_path_1.isAbsolute)(path) ? path : (0, node_path_1.resolve)(path),
        prepareDatabase: (db) => {
            db.pragma('journal_mode = WAL');
            db.pragma('busy_timeout = 5000');
            db.pragma('foreign_keys = ON');
        },
    };
}
function createDataSource(settings, entities = []) {
    return new typeorm_1.DataSource(dataSourceOptions(settings, entities));
}
