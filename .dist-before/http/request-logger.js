"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.RequestLogger = void 0;
const fastify_1 = require("fastify");
const QUIET_PATHS = new Set(['/health/live', '/health/ready', '/metrics']);
class RequestLogger extends fastify_1.LogController {
    constructor() {
        super({ requestIdLogLabel: 'reqId' });
    }
    incomingRequest() { }
    requestCompleted(error, request, reply) {
        const quiet = !error && reply.statusCode < 400 && QUIET_PATHS.has(request.url);
        if (!reply.log.isLevelEnabled(error ? 'error' : quiet ? 'debug' : 'info'))
            return;
        const line = {
            method: request.method,
            url: request.url,
            statusCode: reply.statusCode,
            ms: Math.round(reply.elapsedTime),
        };
        if (error)
            reply.log.error({ ...line, err: error }, 'request errored');
        else if (quiet)
            reply.log.debug(line, 'request completed');
        else
            reply.log.info(line, 'request completed');
    }
}
exports.RequestLogger = RequestLogger;
