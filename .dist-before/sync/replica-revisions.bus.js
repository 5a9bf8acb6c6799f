"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.BusReplicaRevisions = exports.ReplicaUnreachableError = exports.InvalidRevisionsRequestError = void 0;
exports.replicaRevisionsPattern = replicaRevisionsPattern;
exports.answerReplicaRevisions = answerReplicaRevisions;
exports.parseRevisionsRequest = parseRevisionsRequest;
const typeorm_1 = require("@nestjs/typeorm");
const bus_errors_1 = require("../bus/bus.errors");
const settings_1 = require("../settings/settings");
const replica_revisions_1 = require("./replica-revisions");
const sync_registry_1 = require("./sync.registry");
function replicaRevisionsPattern(queue) {
    return `sync.revisions.${queue}`;
}
class InvalidRevisionsRequestError extends Error {
    constructor(detail) {
        super(detail);
        this.name = 'InvalidRevisionsRequestError';
    }
}
exports.InvalidRevisionsRequestError = InvalidRevisionsRequestError;
function answerReplicaRevisions(app, server) {
    const registry = app.get(sync_registry_1.SyncRegistry);
    const dataSource = app.get((0, typeorm_1.getDataSourceToken)());
    const { queue } = app.get(settings_1.SETTINGS).bus;
    const readers = new Map();
    const readerFor = (cqrsId) => {
        let reader = readers.get(cqrsId);
        if (!reader) {
            const definition = registry.replica(cqrsId);
            if (!definition)
                throw new InvalidRevisionsRequestError(`service ${queue} has no replica of cqrs_id "${cqrsId}"`);
            const metadata = dataSource.getMetadata(definition.entity);
            reader = new replica_revisions_1.ReplicaTableReader(dataSource, metadata.tablePath, metadata.primaryColumns[0].databaseName);
            readers.set(cqrsId, reader);
        }
        return reader;
    };
    server.addHandler(replicaRevisionsPattern(queue), async (data) => {
        const request = parseRevisionsRequest(data);
        const reader = readerFor(request.cqrs_id);
        return request.op === 'lookup'
            ? reader.lookup(request.cqrs_id, request.pks)
            : reader.page(request.cqrs_id, request.after, request.limit);
    }, false);
}
function parseRevisionsRequest(data) {
    const body = (typeof data === 'object' && data !== null ? data : {});
    const cqrsId = body.cqrs_id;
    if (typeof cqrsId !== 'string' || cqrsId === '')
        throw new InvalidRevisionsRequestError('cqrs_id must be a non-empty string');
    if (body.op === 'lookup') {
        const pks = body.pks;
        if (!Array.isArray(pks) || pks.length > replica_revisions_1.MAX_REVISIONS_PAGE || !pks.every(isPk))
            throw new InvalidRevisionsRequestError(`pks must be an array of at most ${replica_revisions_1.MAX_REVISIONS_PAGE} pks`);
        return { cqrs_id: cqrsId, op: 'lookup', pks };
    }
    if (body.op === 'page') {
        const { after, limit } = body;
        if (after !== null && !isPk(after))
            throw new InvalidRevisionsRequestError('after must be a pk or null');
        if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > replica_revisions_1.MAX_REVISIONS_PAGE)
            throw new InvalidRevisionsRequestError(`limit must be a whole number from 1 to ${replica_revisions_1.MAX_REVISIONS_PAGE}`);
        return { cqrs_id: cqrsId, op: 'page', after, limit };
    }
    throw new InvalidRevisionsRequestError('op must be "lookup" or "page"');
}
function isPk(value) {
    return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}
class ReplicaUnreachableError extends Error {
    constructor(queue, timeoutMs) {
        super(`replica ${queue} did not answer sync.revisions.${queue} within ${timeoutMs} ms: is it running and built from this template? ` +
            '(a Django replica: use --replica-database-url, or pipe sync:diff-master into its cqrs_diff_replica)');
        this.name = 'ReplicaUnreachableError';
    }
}
exports.ReplicaUnreachableError = ReplicaUnreachableError;
class BusReplicaRevisions {
    bus;
    queue;
    timeoutMs;
    description;
    constructor(bus, queue, timeoutMs) {
        this.bus = bus;
        this.queue = queue;
        this.timeoutMs = timeoutMs;
        this.description = `replica ${queue}`;
    }
    lookup(cqrsId, pks) {
        return this.ask({ cqrs_id: cqrsId, op: 'lookup', pks: [...pks] });
    }
    page(cqrsId, after, limit) {
        return this.ask({ cqrs_id: cqrsId, op: 'page', after, limit });
    }
    async close() { }
    async ask(request) {
        try {
            const reply = await this.bus.request(replicaRevisionsPattern(this.queue), request, {
                timeoutMs: this.timeoutMs,
            });
            if (typeof reply !== 'object' || reply === null || !Array.isArray(reply.rows))
                throw new Error(`replica ${this.queue} sent an unexpected reply to sync.revisions`);
            return reply;
        }
        catch (error) {
            if (error instanceof bus_errors_1.RpcTimeoutError)
                throw new ReplicaUnreachableError(this.queue, error.timeoutMs);
            if (error instanceof bus_errors_1.RemoteHandlerError)
                throw new Error(`replica ${this.queue} refused the request: ${error.message}`);
            throw error;
        }
    }
}
exports.BusReplicaRevisions = BusReplicaRevisions;
