"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ReplicaState = void 0;
const sql_values_1 = require("./sql-values");
const sync_constants_1 = require("./sync.constants");
class ReplicaState {
    manager;
    cqrsId;
    pk;
    dialect;
    constructor(manager, cqrsId, pk) {
        this.manager = manager;
        this.cqrsId = cqrsId;
        this.pk = pk;
        this.dialect = manager.connection.options.type === 'postgres' ? 'postgres' : 'sqlite';
    }
    async tombstoneRevision() {
        const p = new sql_values_1.SqlParameters(this.dialect);
        const rows = await this.manager.query(`SELECT cqrs_revision FROM ${sync_constants_1.TABLES.tombstones} WHERE cqrs_id = ${p.add(this.cqrsId)} AND instance_pk = ${p.add(this.pk)}`, p.values);
        return rows.length === 0 ? null : Number(rows[0].cqrs_revision);
    }
    async writeTombstone(revision) {
        const p = new sql_values_1.SqlParameters(this.dialect);
        await this.manager.query(`INSERT INTO ${sync_constants_1.TABLES.tombstones} (cqrs_id, instance_pk, cqrs_revision, deleted_at)
       VALUES (${p.list([this.cqrsId, this.pk, revision, new Date()])})
       ON CONFLICT (cqrs_id, instance_pk)
       DO UPDATE SET cqrs_revision = excluded.cqrs_revision, deleted_at = excluded.deleted_at`, p.values);
    }
    async removeTombstone() {
        const p = new sql_values_1.SqlParameters(this.dialect);
        await this.manager.query(`DELETE FROM ${sync_constants_1.TABLES.tombstones} WHERE cqrs_id = ${p.add(this.cqrsId)} AND instance_pk = ${p.add(this.pk)}`, p.values);
    }
}
exports.ReplicaState = ReplicaState;
