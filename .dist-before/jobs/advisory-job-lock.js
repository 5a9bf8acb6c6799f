"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.AdvisoryJobLock = void 0;
const pg_1 = require("pg");
const jobs_constants_1 = require("./jobs.constants");
const job_lock_1 = require("./job-lock");
const HEARTBEAT_MS = 10_000;
class AdvisoryJobLock {
    databaseUrl;
    constructor(databaseUrl) {
        this.databaseUrl = databaseUrl;
    }
    async tryClaim(job) {
        const client = new pg_1.Client({
            connectionString: this.databaseUrl,
            application_name: `job ${job}`.slice(0, 63),
            connectionTimeoutMillis: 5000,
            query_timeout: 10_000,
            keepAlive: true,
        });
        const lost = new AbortController();
        client.on('error', (error) => lost.abort(error));
        await client.connect();
        let isLocked = false;
        try {
            await client.query('SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3');
            const { rows } = await client.query('SELECT pg_try_advisory_lock($1, $2) AS locked', [jobs_constants_1.ADVISORY_LOCK_NAMESPACE, (0, job_lock_1.advisoryLockKey)(job)]);
            isLocked = rows[0]?.locked === true;
        }
        finally {
            if (!isLocked)
                await client.end().catch(() => undefined);
        }
        return isLocked ? new AdvisoryClaim(client, lost) : null;
    }
}
exports.AdvisoryJobLock = AdvisoryJobLock;
class AdvisoryClaim {
    client;
    controller;
    isReleased = false;
    heartbeat;
    constructor(client, controller) {
        this.client = client;
        this.controller = controller;
        client.on('end', () => {
            if (!this.isReleased)
                controller.abort(new Error('the advisory-lock connection closed'));
        });
        this.heartbeat = setInterval(() => {
            client.query('SELECT 1').catch((error) => controller.abort(error));
        }, HEARTBEAT_MS).unref();
    }
    get lost() {
        return this.controller.signal;
    }
    async release() {
        if (this.isReleased)
            return;
        this.isReleased = true;
        clearInterval(this.heartbeat);
        await this.client.end().catch(() => undefined);
    }
}
