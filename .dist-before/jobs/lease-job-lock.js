"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.LeaseJobLock = void 0;
const node_crypto_1 = require("node:crypto");
const jobs_constants_1 = require("./jobs.constants");
const LEASE_TTL_MS = 30_000;
class LeaseJobLock {
    dataSource;
    ttlMs;
    constructor(dataSource, ttlMs = LEASE_TTL_MS) {
        this.dataSource = dataSource;
        this.ttlMs = ttlMs;
    }
    async tryClaim(job) {
        const holder = (0, node_crypto_1.randomUUID)();
        const now = Date.now();
        await this.dataSource.query(`INSERT INTO ${jobs_constants_1.JOB_LEASES_TABLE} (job_name, holder, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (job_name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
       WHERE ${jobs_constants_1.JOB_LEASES_TABLE}.expires_at < ?`, [job, holder, now + this.ttlMs, now]);
        if (!(await this.isHeldBy(job, holder)))
            return null;
        return new LeaseClaim(this, job, holder, this.ttlMs);
    }
    async renew(job, holder) {
        await this.dataSource.query(`UPDATE ${jobs_constants_1.JOB_LEASES_TABLE} SET expires_at = ? WHERE job_name = ? AND holder = ?`, [Date.now() + this.ttlMs, job, holder]);
        return this.isHeldBy(job, holder);
    }
    async drop(job, holder) {
        await this.dataSource.query(`DELETE FROM ${jobs_constants_1.JOB_LEASES_TABLE} WHERE job_name = ? AND holder = ?`, [
            job,
            holder,
        ]);
    }
    async isHeldBy(job, holder) {
        const rows = await this.dataSource.query(`SELECT holder FROM ${jobs_constants_1.JOB_LEASES_TABLE} WHERE job_name = ?`, [job]);
        return rows[0]?.holder === holder;
    }
}
exports.LeaseJobLock = LeaseJobLock;
class LeaseClaim {
    lock;
    job;
    holder;
    controller = new AbortController();
    renewal;
    isReleased = false;
    constructor(lock, job, holder, ttlMs) {
        this.lock = lock;
        this.job = job;
        this.holder = holder;
        this.renewal = setInterval(() => {
            this.lock.renew(job, holder).then((isHeld) => isHeld || this.controller.abort(new Error('the lease expired and was taken over')), (error) => this.controller.abort(error));
        }, ttlMs / 3).unref();
    }
    get lost() {
        return this.controller.signal;
    }
    async release() {
        if (this.isReleased)
            return;
        this.isReleased = true;
        clearInterval(this.renewal);
        await this.lock.drop(this.job, this.holder).catch(() => undefined);
    }
}
