"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ReplicaBatchState = void 0;
exports.lockInstances = lockInstances;
const typeorm_1 = require("typeorm");
const sql_values_1 = require("./sql-values");
const sync_constants_1 = require("./sync.constants");
class ReplicaBatchState {
    recorded;
    tombstones;
    rows;
    constructor(recorded, tombstones, rows) {
        this.recorded = recorded;
        this.tombstones = tombstones;
        this.rows = rows;
    }
    static async load(manager, entries, lock) {
        const dialect = manager.connection.options.type === 'postgres' ? 'postgres' : 'sqlite';
        if (dialect === 'postgres')
            await lockInstances(manager, entries.map((entry) => ({ cqrsId: entry.replica.cqrsId, pk: entry.pk })));
        const recorded = await recordInInbox(manager, dialect, entries);
        const tombstones = new Map();
        const rows = new Map();
        for (const group of byCqrsId(entries).values()) {
            const { replica } = group[0];
            const pks = group.map((entry) => entry.pk);
            const p = new sql_values_1.SqlParameters(dialect);
            const found = await manager.query(`SELECT instance_pk, cqrs_revision FROM ${sync_constants_1.TABLES.tombstones}
         WHERE cqrs_id = ${p.add(replica.cqrsId)} AND instance_pk IN (${p.list(pks.map(String))})`, p.values);
            for (const row of found)
                tombstones.set(keyOf(replica.cqrsId, row.instance_pk), Number(row.cqrs_revision));
            const where = { [replica.pkProperty]: (0, typeorm_1.In)(pks) };
            const current = await manager.find(replica.entity, { where, lock });
            for (const row of current)
                rows.set(keyOf(replica.cqrsId, row[replica.pkProperty]), row);
        }
        return new ReplicaBatchState(recorded, tombstones, rows);
    }
    isNewInInbox(entry) {
        return this.recorded.has(keyOf(entry.replica.cqrsId, entry.pk));
    }
    tombstoneRevision(entry) {
        return this.tombstones.get(keyOf(entry.replica.cqrsId, entry.pk)) ?? null;
    }
    row(entry) {
        return this.rows.get(keyOf(entry.replica.cqrsId, entry.pk)) ?? null;
    }
}
exports.ReplicaBatchState = ReplicaBatchState;
function keyOf(cqrsId, pk) {
    return `${cqrsId}\u0000${String(pk)}`;
}
function byCqrsId(entries) {
    const groups = new Map();
    for (const entry of entries) {
        const group = groups.get(entry.replica.cqrsId);
        if (group)
            group.push(entry);
        else
            groups.set(entry.replica.cqrsId, [entry]);
    }
    return groups;
}
async function lockInstances(manager, instances) {
    if (instances.length === 0)
        return;
    const keys = instances.map(({ cqrsId, pk }) => `sync:${cqrsId}:${String(pk)}`);
    await manager.query(`SELECT pg_advisory_xact_lock(h) FROM (
       SELECT DISTINCT hashtext(k) AS h FROM unnest($1::text[]) AS k ORDER BY h) AS locks`, [keys]);
}
async function recordInInbox(manager, dialect, entries) {
    const recorded = new Set();
    const toRecord = entries.filter((entry) => entry.inbox !== null);
    if (toRecord.length === 0)
        return recorded;
    const p = new sql_values_1.SqlParameters(dialect);
    const now = new Date();
    const values = toRecord.map((entry) => `(${p.list([entry.replica.cqrsId, String(entry.pk), entry.inbox.signal, entry.inbox.revision, now])})`);
    const rows = await manager.query(`INSERT INTO ${sync_constants_1.TABLES.inbox} (cqrs_id, instance_pk, signal_type, cqrs_revision, applied_at)
     VALUES ${values.join(', ')}
     ON CONFLICT DO NOTHING RETURNING cqrs_id, instance_pk`, p.values);
    for (const row of rows)
        recorded.add(keyOf(row.cqrs_id, row.instance_pk));
    return recorded;
}
