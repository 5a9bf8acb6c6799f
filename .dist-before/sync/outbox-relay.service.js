"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.OutboxRelay = void 0;
const common_1 = require("@nestjs/common");
const bus_errors_1 = require("../bus/bus.errors");
const cqrs_message_1 = require("./cqrs-message");
const sql_values_1 = require("./sql-values");
const sync_constants_1 = require("./sync.constants");
const PARTITIONS_PER_PASS = Math.max(1, sync_constants_1.OUTBOX_PARTITIONS / 2);
const POSTGRES_LANES = 2;
class OutboxRelay {
    dataSource;
    transactions;
    bus;
    metrics;
    logger = new common_1.Logger('OutboxRelay');
    batchSize;
    pollMs;
    retryPauseMs;
    isPostgres;
    isRunning = false;
    lanes;
    loops = [];
    constructor(dataSource, transactions, bus, metrics, options = {}) {
        this.dataSource = dataSource;
        this.transactions = transactions;
        this.bus = bus;
        this.metrics = metrics;
        this.batchSize = options.batchSize ?? sync_constants_1.DEFAULT_RELAY_BATCH;
        this.pollMs = options.pollMs ?? sync_constants_1.DEFAULT_RELAY_POLL_MS;
        this.retryPauseMs = options.retryPauseMs ?? 1_000;
        this.isPostgres = dataSource.options.type === 'postgres';
        this.lanes = Array.from({ length: this.isPostgres ? POSTGRES_LANES : 1 }, () => ({
            isDirty: true,
            wakeUp: null,
        }));
        transactions.onCommitted(() => this.wake());
    }
    start() {
        if (this.isRunning)
            return;
        this.isRunning = true;
        this.loops = this.lanes.map((lane) => this.run(lane));
    }
    async stop() {
        this.isRunning = false;
        this.wake();
        await Promise.all(this.loops);
        this.loops = [];
    }
    wake() {
        for (const lane of this.lanes) {
            lane.isDirty = true;
            lane.wakeUp?.();
        }
    }
    async drain() {
        let total = 0;
        for (let published = -1; published !== 0; total += published)
            published = await this.publishPending();
        return total;
    }
    async publishPending() {
        if (this.isPostgres)
            return this.dataSource.transaction((manager) => this.passOnPostgres(manager));
        const rows = await this.transactions.serially(() => this.pendingRows(this.dataSource.manager, null));
        if (rows.length === 0)
            return 0;
        await this.publish(rows);
        await this.transactions.serially(() => this.markSent(this.dataSource.manager, rows));
        return rows.length;
    }
    static async readBacklog(dataSource) {
        const rows = await dataSource.query(`SELECT cqrs_id, COUNT(*) AS depth, MIN(created_at) AS oldest FROM ${sync_constants_1.TABLES.outbox}
       WHERE sent_at IS NULL GROUP BY cqrs_id`);
        const now = Date.now();
        return rows.map((row) => ({
            cqrsId: row.cqrs_id,
            depth: Number(row.depth),
            oldestAgeSeconds: Math.max(0, (now - (0, sql_values_1.readTimestamp)(row.oldest).getTime()) / 1000),
        }));
    }
    async run(lane) {
        while (this.isRunning) {
            if (!lane.isDirty)
                await this.sleep(lane, this.pollMs);
            if (!this.isRunning)
                break;
            lane.isDirty = false;
            try {
                if ((await this.publishPending()) > 0)
                    this.wake();
            }
            catch (error) {
                this.logger.warn(`publishing the outbox failed, retrying: ${(0, bus_errors_1.describeError)(error)}`);
                lane.isDirty = true;
                await this.sleep(lane, this.retryPauseMs);
            }
        }
    }
    async passOnPostgres(manager) {
        const claimed = await manager.query(`SELECT p.id FROM ${sync_constants_1.TABLES.relayPartitions} p
       WHERE EXISTS (SELECT 1 FROM ${sync_constants_1.TABLES.outbox} o WHERE o.partition = p.id AND o.sent_at IS NULL)
       ORDER BY random() LIMIT ${PARTITIONS_PER_PASS}
       FOR UPDATE OF p SKIP LOCKED`);
        if (claimed.length === 0)
            return 0;
        const rows = await this.pendingRows(manager, claimed.map((partition) => partition.id));
        if (rows.length === 0)
            return 0;
        await this.publish(rows);
        await this.markSent(manager, rows);
        return rows.length;
    }
    async pendingRows(manager, partitions) {
        const parameters = new sql_values_1.SqlParameters(this.isPostgres ? 'postgres' : 'sqlite');
        const inPartitions = partitions === null ? '' : `AND partition IN (${parameters.list(partitions)})`;
        const limit = parameters.add(this.batchSize);
        return await manager.query(`SELECT id, cqrs_id, instance_pk, signal_type, routing_key, partition, payload, ttl_seconds, created_at
       FROM ${sync_constants_1.TABLES.outbox} WHERE sent_at IS NULL ${inPartitions} ORDER BY id LIMIT ${limit}`, parameters.values);
    }
    async publish(rows) {
        const now = Date.now();
        const confirms = rows.map((row) => this.bus.publishRaw(sync_constants_1.CQRS_EXCHANGE, row.routing_key, bodyOf(row, now), PROPERTIES));
        const results = await Promise.allSettled(confirms);
        const failed = results.find((result) => result.status === 'rejected');
        if (failed)
            throw failed.reason;
        const confirmedAt = Date.now();
        for (const row of rows)
            this.metrics.onPublished(row.cqrs_id, (confirmedAt - (0, sql_values_1.readTimestamp)(row.created_at).getTime()) / 1000);
    }
    async markSent(manager, rows) {
        const parameters = new sql_values_1.SqlParameters(this.isPostgres ? 'postgres' : 'sqlite');
        const sentAt = parameters.add(new Date());
        const ids = parameters.list(rows.map((row) => row.id));
        await manager.query(`UPDATE ${sync_constants_1.TABLES.outbox} SET sent_at = ${sentAt} WHERE id IN (${ids})`, parameters.values);
    }
    sleep(lane, ms) {
        return new Promise((resolve) => {
            const done = () => {
                clearTimeout(timer);
                lane.wakeUp = null;
                resolve();
            };
            const timer = setTimeout(done, ms);
            lane.wakeUp = done;
        });
    }
}
exports.OutboxRelay = OutboxRelay;
const PROPERTIES = { contentType: sync_constants_1.CQRS_CONTENT_TYPE, persistent: true };
function bodyOf(row, now) {
    const payload = JSON.parse(row.payload);
    const ttl = row.ttl_seconds === null ? null : Number(row.ttl_seconds);
    return (0, cqrs_message_1.encodeCqrsBody)({
        ...payload,
        retries: 0,
        expires: ttl === null ? null : (0, cqrs_message_1.formatExpires)(new Date(now + ttl * 1000)),
    });
}
