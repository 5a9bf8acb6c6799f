"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.SyncTransactions = void 0;
const outbox_announcer_1 = require("./outbox-announcer");
const WROTE_OUTBOX = 'syncWroteOutbox';
const OPENED_BY_RUN = 'syncOpenedByRun';
class SyncTransactions {
    dataSource;
    isPostgres;
    sqliteQueue = Promise.resolve();
    commitListeners = [];
    announcer;
    constructor(dataSource) {
        this.dataSource = dataSource;
        this.isPostgres = dataSource.options.type === 'postgres';
        this.announcer = this.isPostgres ? new outbox_announcer_1.OutboxAnnouncer(dataSource) : null;
        dataSource.subscribers.push({
            afterTransactionCommit: (event) => {
                const data = event.queryRunner.data;
                if (data[WROTE_OUTBOX] && !event.queryRunner.isTransactionActive) {
                    delete data[WROTE_OUTBOX];
                    this.notifyCommitted();
                    if (!data[OPENED_BY_RUN])
                        void this.announcer?.announce();
                }
            },
            afterTransactionRollback: (event) => {
                if (!event.queryRunner.isTransactionActive)
                    delete event.queryRunner.data[WROTE_OUTBOX];
            },
        });
    }
    get dialect() {
        return this.isPostgres ? 'postgres' : 'sqlite';
    }
    onCommitted(listener) {
        this.commitListeners.push(listener);
    }
    async run(manager, work) {
        if (manager?.queryRunner?.isTransactionActive)
            return work(manager);
        if (!this.isPostgres)
            return this.serially(() => this.dataSource.transaction(work));
        let wroteOutbox = false;
        const result = await this.dataSource.transaction(async (own) => {
            const data = (own.queryRunner?.data ?? {});
            data[OPENED_BY_RUN] = true;
            const value = await work(own);
            wroteOutbox = data[WROTE_OUTBOX] === true;
            return value;
        });
        if (wroteOutbox)
            await this.announcer?.announce();
        return result;
    }
    serially(work) {
        if (this.isPostgres)
            return work();
        const result = this.sqliteQueue.then(work, work);
        this.sqliteQueue = result.catch(() => undefined);
        return result;
    }
    get writeLock() {
        return this.isPostgres ? { mode: 'pessimistic_write' } : undefined;
    }
    get shareLock() {
        return this.isPostgres ? { mode: 'pessimistic_read' } : undefined;
    }
    markOutboxWritten(manager) {
        const runner = manager.queryRunner;
        if (runner)
            runner.data[WROTE_OUTBOX] = true;
    }
    notifyCommitted() {
        for (const listener of this.commitListeners)
            listener();
    }
}
exports.SyncTransactions = SyncTransactions;
