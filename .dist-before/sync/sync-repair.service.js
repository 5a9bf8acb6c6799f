"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.SyncRepair = void 0;
const typeorm_1 = require("typeorm");
const cqrs_message_1 = require("./cqrs-message");
const master_rows_1 = require("./master-rows");
const outbox_table_1 = require("./outbox.table");
const sql_values_1 = require("./sql-values");
const sync_constants_1 = require("./sync.constants");
const DEFAULT_BATCH = 1_000;
class SyncRepair {
    registry;
    sender;
    constructor(registry, sender) {
        this.registry = registry;
        this.sender = sender;
    }
    async repair(report, queue, options = {}) {
        const master = this.registry.master(report.cqrsId);
        const batchSize = options.batchSize ?? DEFAULT_BATCH;
        const blocked = report.missing
            .filter((row) => row.replicaTombstone !== null && row.replicaTombstone >= row.masterRevision)
            .map((row) => row.pk);
        const isBlocked = new Set(blocked.map(String));
        const toSync = [
            ...report.missing.filter((row) => !isBlocked.has(String(row.pk))),
            ...report.revisionDiffers,
        ].map((row) => row.pk);
        const total = toSync.length + report.extra.length;
        let done = 0;
        let synced = 0;
        for (let start = 0; start < toSync.length; start += batchSize) {
            const chunk = toSync.slice(start, start + batchSize);
            synced += await this.sender.resync(report.cqrsId, {
                where: { [master.master.pkProperty]: (0, typeorm_1.In)(chunk) },
                queue,
                batchSize,
            });
            done += chunk.length;
            options.onProgress?.(done, total);
        }
        let deleted = 0;
        const reappeared = [];
        for (let start = 0; start < report.extra.length; start += batchSize) {
            const chunk = report.extra.slice(start, start + batchSize);
            const result = await this.registry.transactions.run(undefined, (manager) => this.enqueueDeletes(manager, master, chunk, queue));
            deleted += result.deleted;
            reappeared.push(...result.reappeared);
            done += chunk.length;
            options.onProgress?.(done, total);
        }
        return { synced, deleted, blocked, reappeared };
    }
    async enqueueDeletes(manager, master, extra, queue) {
        const rows = new master_rows_1.MasterRows(master.master, this.registry.transactions);
        const existing = await rows.existing(extra.map((row) => row.pk));
        const reappeared = extra.filter((row) => existing.has(String(row.pk))).map((row) => row.pk);
        const gone = extra.filter((row) => !existing.has(String(row.pk)));
        const published = await this.lastPublishedDeleteRevisions(manager, master.cqrsId, gone.map((row) => row.pk));
        const now = (0, cqrs_message_1.formatPythonDatetime)(new Date());
        const messages = gone.map((row) => {
            const pk = rows.toMasterPk(row.pk) ?? row.pk;
            const revision = Math.max(row.replicaRevision + 1, published.get(String(row.pk)) ?? 0);
            return {
                signalType: 'DELETE',
                cqrsId: master.cqrsId,
                instanceData: { id: pk, cqrs_revision: revision, cqrs_updated: now },
                previousData: null,
                instancePk: pk,
                correlationId: master.master.correlationId('DELETE', pk, queue),
                meta: {},
                routingKey: (0, sync_constants_1.directRoutingKey)(queue, master.cqrsId),
                ttlSeconds: master.master.ttlSeconds,
            };
        });
        if (messages.length > 0) {
            await (0, outbox_table_1.insertOutboxRows)(manager, messages);
            this.registry.transactions.markOutboxWritten(manager);
        }
        return { deleted: messages.length, reappeared };
    }
    async lastPublishedDeleteRevisions(manager, cqrsId, pks) {
        const revisions = new Map();
        if (pks.length === 0)
            return revisions;
        const p = new sql_values_1.SqlParameters(this.registry.transactions.dialect);
        const rows = await manager.query(`SELECT instance_pk, signal_type, payload FROM ${sync_constants_1.TABLES.outbox}
       WHERE cqrs_id = ${p.add(cqrsId)} AND instance_pk IN (${p.list(pks.map(String))})`, p.values);
        for (const row of rows) {
            const revision = JSON.parse(row.payload).instance_data.cqrs_revision;
            if (typeof revision !== 'number')
                continue;
            const deleteRevision = row.signal_type === 'DELETE' ? revision : revision + 1;
            revisions.set(row.instance_pk, Math.max(revisions.get(row.instance_pk) ?? 0, deleteRevision));
        }
        return revisions;
    }
}
exports.SyncRepair = SyncRepair;
