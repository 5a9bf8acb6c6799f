"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.portableTypes = portableTypes;
function portableTypes(queryRunner) {
    const isPostgres = queryRunner.connection.options.type === 'postgres';
    return {
        uuid: isPostgres ? 'uuid' : 'varchar',
        timestamp: isPostgres ? 'timestamp' : 'datetime',
        json: isPostgres ? 'jsonb' : 'text',
        now: isPostgres ? 'now()' : "datetime('now')",
        true: isPostgres ? 'true' : '1',
        false: isPostgres ? 'false' : '0',
    };
}
