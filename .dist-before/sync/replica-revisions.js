"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ReplicaTableReader = exports.InvalidIdentifierError = exports.MAX_REVISIONS_PAGE = void 0;
const sql_values_1 = require("./sql-values");
const sync_constants_1 = require("./sync.constants");
exports.MAX_REVISIONS_PAGE = 5_000;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}(\.[A-Za-z_][A-Za-z0-9_]{0,62})?$/;
class InvalidIdentifierError extends Error {
    constructor(what, value) {
        super(`${what} "${value}" must be a plain SQL name (letters, digits, _; optionally schema.table)`);
        this.name = 'InvalidIdentifierError';
    }
}
exports.InvalidIdentifierError = InvalidIdentifierError;
class ReplicaTableReader {
    dataSource;
    dialect;
    table;
    pk;
    hasTombstones = null;
    constructor(dataSource, table, pkColumn) {
        this.dataSource = dataSource;
        if (!IDENTIFIER.test(table))
            throw new InvalidIdentifierError('table', table);
        if (!IDENTIFIER.test(pkColumn) || pkColumn.includes('.'))
            throw new InvalidIdentifierError('pk column', pkColumn);
        this.dialect = dataSource.options.type === 'postgres' ? 'postgres' : 'sqlite';
        const escape = (name) => dataSource.driver.escape(name);
        this.table = table.split('.').map(escape).join('.');
        this.pk = escape(pkColumn);
    }
    async lookup(cqrsId, pks) {
        if (pks.length === 0)
            return { rows: [], tombstones: [] };
        const p = new sql_values_1.SqlParameters(this.dialect);
        const found = await this.dataSource.query(`SELECT ${this.pk} AS pk, cqrs_revision AS revision FROM ${this.table} WHERE ${this.pk} IN (${p.list(pks)})`, p.values);
        const rows = found.map(toPair);
        const present = new Set(rows.map(([pk]) => String(pk)));
        const absent = pks.filter((pk) => !present.has(String(pk)));
        return { rows, tombstones: await this.tombstones(cqrsId, absent) };
    }
    async page(_cqrsId, after, limit) {
        const p = new sql_values_1.SqlParameters(this.dialect);
        const where = after === null ? '' : `WHERE ${this.pk} > ${p.add(after)}`;
        const found = await this.dataSource.query(`SELECT ${this.pk} AS pk, cqrs_revision AS revision FROM ${this.table} ${where}
       ORDER BY ${this.pk} LIMIT ${p.add(limit)}`, p.values);
        const rows = found.map(toPair);
        const next = rows.length < limit ? null : rows[rows.length - 1][0];
        let total = null;
        if (after === null) {
            const counted = await this.dataSource.query(`SELECT COUNT(*) AS total FROM ${this.table}`);
            total = Number(counted[0].total);
        }
        return { rows, next, total };
    }
    async tombstones(cqrsId, pks) {
        if (pks.length === 0)
            return [];
        this.hasTombstones ??= hasTable(this.dataSource, sync_constants_1.TABLES.tombstones);
        if (!(await this.hasTombstones))
            return [];
        const p = new sql_values_1.SqlParameters(this.dialect);
        const byText = new Map(pks.map((pk) => [String(pk), pk]));
        const found = await this.dataSource.query(`SELECT instance_pk, cqrs_revision FROM ${sync_constants_1.TABLES.tombstones}
       WHERE cqrs_id = ${p.add(cqrsId)} AND instance_pk IN (${p.list([...byText.keys()])})`, p.values);
        return found.map((row) => [byText.get(row.instance_pk) ?? row.instance_pk, Number(row.cqrs_revision)]);
    }
}
exports.ReplicaTableReader = ReplicaTableReader;
async function hasTable(dataSource, table) {
    const runner = dataSource.createQueryRunner();
    try {
        return await runner.hasTable(table);
    }
    finally {
        await runner.release();
    }
}
function toPair(row) {
    const pk = typeof row.pk === 'number' || typeof row.pk === 'string' ? row.pk : String(row.pk);
    return [pk, Number(row.revision)];
}
