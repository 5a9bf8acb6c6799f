"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.MasterRepository = void 0;
const typeorm_1 = require("typeorm");
const cqrs_message_1 = require("./cqrs-message");
const outbox_table_1 = require("./outbox.table");
const sync_constants_1 = require("./sync.constants");
const CHUNK = 500;
class MasterRepository {
    master;
    transactions;
    constructor(master, transactions) {
        this.master = master;
        this.transactions = transactions;
    }
    get cqrsId() {
        return this.master.cqrsId;
    }
    async create(values, options = {}) {
        const [row] = await this.createMany([values], options);
        return row;
    }
    createMany(values, options = {}) {
        return this.transactions.run(options.manager, async (manager) => {
            const now = new Date();
            const pks = [];
            for (let start = 0; start < values.length; start += CHUNK) {
                const entities = values
                    .slice(start, start + CHUNK)
                    .map((value) => manager.create(this.master.entity, { ...value, cqrsRevision: 0, cqrsUpdated: now }));
                const result = await manager.insert(this.master.entity, entities);
                pks.push(...result.identifiers.map((id) => id[this.master.pkProperty]));
            }
            const rows = await this.findByPks(manager, pks);
            await this.enqueue(manager, rows.map((row) => ({ row, before: null, signal: 'SAVE' })));
            return rows;
        });
    }
    async update(pk, changes, options = {}) {
        if (pk === undefined || pk === null)
            return null;
        const rows = await this.updateWhere({ [this.master.pkProperty]: pk }, changes, options);
        return rows[0] ?? null;
    }
    updateMany(where, changes, options = {}) {
        return this.updateWhere(where, changes, options);
    }
    async delete(pk, options = {}) {
        if (pk === undefined || pk === null)
            return false;
        return (await this.deleteMany({ [this.master.pkProperty]: pk }, options)) > 0;
    }
    deleteMany(where, options = {}) {
        return this.transactions.run(options.manager, async (manager) => {
            const locked = await this.lockWhere(manager, where);
            await this.recordDeletingRows(manager, locked);
            const pks = locked.map((row) => this.master.pkOf(row));
            for (let start = 0; start < pks.length; start += CHUNK)
                await manager.delete(this.master.entity, pks.slice(start, start + CHUNK));
            return locked.length;
        });
    }
    recordCreated(pks, options = {}) {
        return this.transactions.run(options.manager, async (manager) => {
            const rows = await this.findByPks(manager, pks, true);
            await this.enqueue(manager, rows.map((row) => ({ row, before: null, signal: 'SAVE' })));
            return rows;
        });
    }
    async recordUpdated(pks, options = {}) {
        if (pks.length === 0)
            return [];
        return this.transactions.run(options.manager, async (manager) => {
            const where = { [this.master.pkProperty]: (0, typeorm_1.In)([...pks]) };
            return this.updateWhere(where, {}, { manager });
        });
    }
    recordDeleting(pks, options = {}) {
        return this.transactions.run(options.manager, async (manager) => {
            const rows = await this.findByPks(manager, pks, true);
            await this.recordDeletingRows(manager, rows);
            return rows.length;
        });
    }
    sync(pks, options = {}) {
        return this.transactions.run(options.manager, async (manager) => {
            const rows = await this.findByPks(manager, pks, 'share');
            return this.enqueueSync(manager, rows, options.queue ?? null);
        });
    }
    async enqueueSync(manager, rows, queue) {
        return this.enqueue(manager, rows.map((row) => ({ row, before: null, signal: 'SYNC' })), queue);
    }
    updateWhere(where, changes, options) {
        return this.transactions.run(options.manager, async (manager) => {
            const before = await this.lockWhere(manager, where);
            if (before.length === 0)
                return [];
            const set = {
                ...withoutUndefined(changes),
                cqrsRevision: () => '"cqrs_revision" + 1',
                cqrsUpdated: new Date(),
            };
            const pks = before.map((row) => this.master.pkOf(row));
            for (let start = 0; start < pks.length; start += CHUNK)
                await manager
                    .createQueryBuilder()
                    .update(this.master.entity)
                    .set(set)
                    .whereInIds(pks.slice(start, start + CHUNK))
                    .execute();
            const after = await this.findByPks(manager, pks);
            const old = new Map(before.map((row) => [keyOf(this.master.pkOf(row)), row]));
            await this.enqueue(manager, after.map((row) => ({ row, before: old.get(keyOf(this.master.pkOf(row))) ?? null, signal: 'SAVE' })));
            return after;
        });
    }
    async recordDeletingRows(manager, rows) {
        const now = (0, cqrs_message_1.formatPythonDatetime)(new Date());
        const messages = rows
            .filter((row) => this.master.shouldSync(row))
            .map((row) => {
            const pk = this.master.instancePkOf(row);
            return this.message('DELETE', pk, row, {
                instanceData: { id: pk, cqrs_revision: row.cqrsRevision + 1, cqrs_updated: now },
                previousData: null,
            });
        });
        await this.write(manager, messages);
    }
    async enqueue(manager, changes, queue = null) {
        const messages = changes
            .filter(({ row }) => this.master.shouldSync(row))
            .map(({ row, before, signal }) => this.message(signal, this.master.instancePkOf(row), row, {
            instanceData: this.master.serialize(row),
            previousData: signal === 'SYNC' ? null : this.master.previousData(before, row),
        }, queue));
        await this.write(manager, messages);
        return messages.length;
    }
    message(signal, pk, row, data, queue = null) {
        return {
            signalType: signal,
            cqrsId: this.cqrsId,
            ...data,
            instancePk: pk,
            correlationId: this.master.correlationId(signal, pk, queue),
            meta: this.master.meta(row, signal),
            routingKey: queue === null ? (0, sync_constants_1.broadcastRoutingKey)(this.cqrsId) : (0, sync_constants_1.directRoutingKey)(queue, this.cqrsId),
            ttlSeconds: this.master.ttlSeconds,
        };
    }
    async write(manager, messages) {
        if (messages.length === 0)
            return;
        await (0, outbox_table_1.insertOutboxRows)(manager, messages);
        this.transactions.markOutboxWritten(manager);
    }
    lockWhere(manager, where) {
        const order = { [this.master.pkProperty]: 'ASC' };
        return manager.find(this.master.entity, { where, order, lock: this.transactions.writeLock });
    }
    async findByPks(manager, pks, lock = false) {
        const rows = [];
        const mode = lock === 'share' ? this.transactions.shareLock : lock ? this.transactions.writeLock : undefined;
        for (let start = 0; start < pks.length; start += CHUNK) {
            const where = { [this.master.pkProperty]: (0, typeorm_1.In)(pks.slice(start, start + CHUNK)) };
            rows.push(...(await manager.find(this.master.entity, { where, lock: mode })));
        }
        const order = new Map(pks.map((pk, index) => [keyOf(pk), index]));
        return rows.sort((a, b) => (order.get(keyOf(this.master.pkOf(a))) ?? 0) - (order.get(keyOf(this.master.pkOf(b))) ?? 0));
    }
}
exports.MasterRepository = MasterRepository;
function keyOf(pk) {
    return String((0, cqrs_message_1.toInstancePk)(pk));
}
function withoutUndefined(changes) {
    return Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
}
