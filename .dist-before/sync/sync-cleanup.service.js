"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.SyncCleanup = void 0;
const sql_values_1 = require("./sql-values");
const sync_constants_1 = require("./sync.constants");
const CHUNK = 5_000;
const RULES = {
    outbox: { table: sync_constants_1.TABLES.outbox, column: 'sent_at', rowIdPg: 'id' },
    inbox: { table: sync_constants_1.TABLES.inbox, column: 'applied_at', rowIdPg: 'ctid' },
    tombstones: { table: sync_constants_1.TABLES.tombstones, column: 'deleted_at', rowIdPg: 'ctid' },
};
class SyncCleanup {
    dataSource;
    settings;
    now;
    dialect;
    constructor(dataSource, settings, now = () => new Date()) {
        this.dataSource = dataSource;
        this.settings = settings;
        this.now = now;
        this.dialect = dataSource.options.type === 'postgres' ? 'postgres' : 'sqlite';
    }
    get minimumRetentionMs() {
        const { messageTtlSeconds, maxRetries, retryDelayMs } = this.settings;
        if (messageTtlSeconds === null)
            return null;
        return messageTtlSeconds * 1000 + (maxRetries ?? 0) * retryDelayMs;
    }
    async prune(olderThanMs, options = {}) {
        if (!Number.isFinite(olderThanMs) || olderThanMs < 0)
            throw new RangeError('olderThanMs must be a duration of 0 or more milliseconds');
        const now = this.now().getTime();
        const minimum = this.minimumRetentionMs;
        const kept = minimum === null ? null : new Date(now - Math.max(olderThanMs, minimum));
        const cutoffs = {
            outbox: new Date(now - olderThanMs),
            inbox: kept,
            tombstones: kept,
        };
        const deleted = { outbox: 0, inbox: 0, tombstones: 0 };
        for (const table of Object.keys(RULES)) {
            const cutoff = cutoffs[table];
            if (cutoff !== null)
                deleted[table] = await this.pruneTable(table, cutoff, options.onProgress);
        }
        return { deleted, cutoffs, minimumRetentionMs: minimum };
    }
    async pruneTable(table, cutoff, onProgress) {
        const rule = RULES[table];
        const count = new sql_values_1.SqlParameters(this.dialect);
        const [{ total }] = await this.dataSource.query(`SELECT COUNT(*) AS total FROM ${rule.table} WHERE ${rule.column} < ${count.add(cutoff)}`, count.values);
        const expected = Number(total);
        let done = 0;
        onProgress?.(table, 0, expected);
        for (;;) {
            const p = new sql_values_1.SqlParameters(this.dialect);
            const before = p.add(cutoff);
            const limit = p.add(CHUNK);
            const chunk = (rowId) => `SELECT ${rowId} FROM ${rule.table} WHERE ${rule.column} < ${before} LIMIT ${limit}`;
            const sql = this.dialect === 'postgres'
                ? `DELETE FROM ${rule.table} WHERE ${rule.rowIdPg} = ANY(ARRAY(${chunk(rule.rowIdPg)}))`
                : `DELETE FROM ${rule.table} WHERE rowid IN (${chunk('rowid')})`;
            const removed = await this.deleteChunk(sql, p.values);
            done += removed;
            onProgress?.(table, done, Math.max(expected, done));
            if (removed < CHUNK)
                return done;
        }
    }
    async deleteChunk(sql, values) {
        const runner = this.dataSource.createQueryRunner();
        try {
            const result = await runner.query(sql, values, true);
            return result.affected ?? 0;
        }
        finally {
            await runner.release();
        }
    }
}
exports.SyncCleanup = SyncCleanup;
