"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ReplicaApplier = void 0;
const common_1 = require("@nestjs/common");
const typeorm_1 = require("typeorm");
const bus_errors_1 = require("../bus/bus.errors");
const apply_batcher_1 = require("./apply-batcher");
const cqrs_message_1 = require("./cqrs-message");
const replica_resolved_1 = require("./replica.resolved");
const replica_batch_state_1 = require("./replica-batch-state");
const replica_state_table_1 = require("./replica-state.table");
const sync_constants_1 = require("./sync.constants");
const UNIQUE_RACE_ATTEMPTS = 3;
const INSERT_CHUNK = 500;
class ReplicaApplier {
    registry;
    transactions;
    metrics;
    logger = new common_1.Logger('ReplicaApplier');
    resolved = new Map();
    batcher;
    constructor(registry, transactions, metrics, options = {}) {
        this.registry = registry;
        this.transactions = transactions;
        this.metrics = metrics;
        this.batcher = new apply_batcher_1.ApplyBatcher(options.batchSize ?? sync_constants_1.DEFAULT_APPLY_BATCH, (events) => this.applyBatch(events));
    }
    handles(cqrsId) {
        return this.registry.replica(cqrsId) !== undefined;
    }
    async apply(body) {
        const event = this.prepare(body);
        const result = await this.batcher.submit(`${body.cqrs_id}:${String(event.pk)}`, event);
        if (result.kind === 'applied')
            this.metrics.onApplied(body.cqrs_id, body.signal_type);
        else {
            this.metrics.onDropped(body.cqrs_id, result.reason);
            const log = `${body.signal_type} ${body.cqrs_id} ${String(event.pk)} r${event.revision ?? '?'} dropped as ${result.reason}: ${result.detail}`;
            if (result.reason === 'stale')
                this.logger.warn(log);
            else
                this.logger.debug(log);
        }
        return result;
    }
    async tombstonedPks(cqrsId) {
        const { dataSource } = this.transactions;
        const placeholder = dataSource.options.type === 'postgres' ? '$1' : '?';
        const rows = await dataSource.query(`SELECT instance_pk FROM ${sync_constants_1.TABLES.tombstones} WHERE cqrs_id = ${placeholder}`, [cqrsId]);
        return rows.map((row) => row.instance_pk);
    }
    replicaFor(cqrsId) {
        let replica = this.resolved.get(cqrsId);
        if (!replica) {
            const definition = this.registry.replica(cqrsId);
            if (!definition)
                throw new replica_resolved_1.InvalidReplicaMessageError(cqrsId, 'this service has no replica of it');
            replica = new replica_resolved_1.ResolvedReplica(definition, this.transactions.dataSource);
            this.resolved.set(cqrsId, replica);
        }
        return replica;
    }
    prepare(body) {
        const replica = this.replicaFor(body.cqrs_id);
        const data = body.instance_data;
        if (body.signal_type === 'DELETE') {
            const pk = replica.pkFrom(data, 'id');
            const revision = readRevision(body);
            const inbox = revision === null ? null : { signal: 'DELETE', revision };
            return { body, replica, pk, revision, inbox, save: null };
        }
        const updated = readUpdated(body);
        const values = replica.valuesFrom(data);
        const pk = replica.pkFrom(data);
        const revision = readRevision(body);
        const inbox = body.signal_type === 'SYNC' ? null : { signal: 'SAVE', revision };
        return { body, replica, pk, revision, inbox, save: { values, updated } };
    }
    async applyBatch(events) {
        if (events.length > 1) {
            const afterCommit = [];
            try {
                const results = await this.transactions.run(undefined, (manager) => this.applyInTransaction(manager, events, afterCommit));
                for (const callback of afterCommit)
                    this.runAfterCommit(callback);
                return results.map((value) => ({ ok: true, value }));
            }
            catch (error) {
                this.logger.debug(`a batch of ${events.length} events failed (${(0, bus_errors_1.describeError)(error)}); applying them one by one`);
            }
        }
        const outcomes = [];
        for (const event of events) {
            try {
                outcomes.push({ ok: true, value: await this.applyAlone(event) });
            }
            catch (error) {
                outcomes.push({ ok: false, error });
            }
        }
        return outcomes;
    }
    async applyAlone(event) {
        for (let attempt = 1;; attempt++) {
            const afterCommit = [];
            try {
                const [result] = await this.transactions.run(undefined, (manager) => this.applyInTransaction(manager, [event], afterCommit));
                for (const callback of afterCommit)
                    this.runAfterCommit(callback);
                return result;
            }
            catch (error) {
                if (attempt >= UNIQUE_RACE_ATTEMPTS || !isUniqueViolation(error))
                    throw error;
            }
        }
    }
    async applyInTransaction(manager, events, afterCommit) {
        const state = await replica_batch_state_1.ReplicaBatchState.load(manager, events, this.transactions.writeLock);
        const creates = [];
        const results = [];
        for (const event of events)
            results.push(event.save === null
                ? await this.applyDelete(manager, state, event, afterCommit)
                : await this.applySave(manager, state, event, event.save, creates, afterCommit));
        await this.insertCreated(manager, creates, afterCommit);
        return results;
    }
    async applySave(manager, state, event, save, creates, afterCommit) {
        const { body, replica, pk } = event;
        const revision = event.revision;
        const isSync = body.signal_type === 'SYNC';
        if (!isSync && !state.isNewInInbox(event))
            return dropped('duplicate', 'already in the inbox');
        const tombstone = state.tombstoneRevision(event);
        if (tombstone !== null && revision <= tombstone)
            return dropped('stale', `the instance was deleted at revision ${tombstone}`);
        const row = state.row(event);
        const change = { ...save.values, cqrsRevision: revision, cqrsUpdated: save.updated };
        if (row) {
            if (!isSync && revision < row.cqrsRevision)
                return dropped('stale', `the replica holds revision ${row.cqrsRevision}`);
            if (!isSync && revision === row.cqrsRevision)
                return dropped('duplicate', 'same revision');
            if (!isSync && revision > row.cqrsRevision + 1)
                this.logger.warn(`${body.cqrs_id} ${String(pk)}: revisions ${row.cqrsRevision + 1}..${revision - 1} never arrived (applied ${revision})`);
            if (isSync && revision < row.cqrsRevision)
                this.logger.warn(`${body.cqrs_id} ${String(pk)}: SYNC downgrades revision ${row.cqrsRevision} to ${revision}`);
            await manager.update(replica.entity, whereOf(replica, pk), change);
            const fresh = manager.merge(replica.entity, row, change);
            const { definition } = replica;
            await this.runHook(definition.onUpdate, { manager, body, row: fresh, pk }, afterCommit, definition.afterCommit);
        }
        else {
            const created = manager.create(replica.entity, {
                ...change,
                [replica.pkProperty]: pk,
            });
            creates.push({ event, row: created });
        }
        if (tombstone !== null)
            await new replica_state_table_1.ReplicaState(manager, body.cqrs_id, String(pk)).removeTombstone();
        return { kind: 'applied' };
    }
    async insertCreated(manager, creates, afterCommit) {
        const byEntity = new Map();
        for (const { event, row } of creates) {
            const rows = byEntity.get(event.replica.entity);
            if (rows)
                rows.push(row);
            else
                byEntity.set(event.replica.entity, [row]);
        }
        for (const [entity, rows] of byEntity)
            for (let start = 0; start < rows.length; start += INSERT_CHUNK)
                await manager.insert(entity, rows.slice(start, start + INSERT_CHUNK));
        for (const { event, row } of creates) {
            const { definition } = event.replica;
            await this.runHook(definition.onCreate, { manager, body: event.body, row, pk: event.pk }, afterCommit, definition.afterCommit);
        }
    }
    async applyDelete(manager, state, event, afterCommit) {
        const { body, replica, pk, revision } = event;
        if (revision !== null && !state.isNewInInbox(event))
            return dropped('duplicate', 'already in the inbox');
        const tombstone = state.tombstoneRevision(event);
        if (tombstone !== null && revision !== null && revision <= tombstone)
            return dropped(revision === tombstone ? 'duplicate' : 'stale', `already deleted at revision ${tombstone}`);
        const row = state.row(event);
        if (row && revision !== null && row.cqrsRevision >= revision)
            return dropped('stale', `the replica holds revision ${row.cqrsRevision}, newer than this DELETE`);
        const { definition } = replica;
        await this.runHook(definition.onDelete, { manager, body, row, pk }, afterCommit, definition.afterCommit);
        if (row)
            await manager.delete(replica.entity, whereOf(replica, pk));
        await new replica_state_table_1.ReplicaState(manager, body.cqrs_id, String(pk)).writeTombstone(revision ?? (row ? row.cqrsRevision + 1 : 0));
        return { kind: 'applied' };
    }
    async runHook(hook, event, afterCommit, after) {
        if (hook)
            await hook(event);
        if (after) {
            const { manager: _manager, ...rest } = event;
            afterCommit.push(() => after(rest));
        }
    }
    runAfterCommit(callback) {
        try {
            callback();
        }
        catch (error) {
            this.logger.error(`afterCommit hook failed: ${error.message}`);
        }
    }
}
exports.ReplicaApplier = ReplicaApplier;
function whereOf(replica, pk) {
    return { [replica.pkProperty]: pk };
}
function dropped(reason, detail) {
    return { kind: 'dropped', reason, detail };
}
function readRevision(body) {
    const value = body.instance_data.cqrs_revision;
    if (value === undefined && body.signal_type === 'DELETE')
        return null;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
        throw new replica_resolved_1.InvalidReplicaMessageError(body.cqrs_id, 'instance_data.cqrs_revision must be an integer >= 0');
    return value;
}
function readUpdated(body) {
    const value = body.instance_data.cqrs_updated;
    const date = typeof value === 'string' ? (0, cqrs_message_1.parseTimestamp)(value) : null;
    if (!date)
        throw new replica_resolved_1.InvalidReplicaMessageError(body.cqrs_id, 'instance_data.cqrs_updated must be a timestamp');
    return date;
}
function isUniqueViolation(error) {
    if (!(error instanceof typeorm_1.QueryFailedError))
        return false;
    const driverError = error.driverError;
    return driverError?.code === '23505' || /UNIQUE constraint failed/.test(error.message);
}
