"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.QueryLogger = void 0;
const common_1 = require("@nestjs/common");
class QueryLogger {
    debug;
    logger = new common_1.Logger('TypeORM');
    constructor(debug) {
        this.debug = debug;
    }
    logQuery() {
    }
    logQueryError(error, query, parameters) {
        const reason = typeof error === 'string' ? error : error.message;
        const shown = this.debug && parameters !== undefined ? ` -- parameters: ${JSON.stringify(parameters)}` : '';
        this.logger.error(`query failed: ${reason} -- ${query}${shown}`);
    }
    logQuerySlow(time, query) {
        this.logger.warn(`slow query (${time} ms): ${query}`);
    }
    logSchemaBuild() { }
    logMigration(message) {
        this.logger.log(message);
    }
    log(level, message) {
        if (level === 'warn')
            this.logger.warn(String(message));
        else if (this.debug)
            this.logger.log(String(message));
    }
}
exports.QueryLogger = QueryLogger;
