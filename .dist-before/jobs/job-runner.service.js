"use strict";
var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
var __param = (this && this.__param) || function (paramIndex, decorator) {
    return function (target, key) { decorator(target, key, paramIndex); }
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.JobRunner = void 0;
exports.describeRun = describeRun;
const node_crypto_1 = require("node:crypto");
const node_os_1 = require("node:os");
const common_1 = require("@nestjs/common");
const settings_1 = require("../settings/settings");
const jobs_constants_1 = require("./jobs.constants");
const job_history_service_1 = require("./job-history.service");
const job_metrics_1 = require("./job-metrics");
const job_registry_1 = require("./job-registry");
class JobAbort extends Error {
    outcome;
    constructor(outcome, message) {
        super(message);
        this.outcome = outcome;
    }
}
let JobRunner = class JobRunner {
    registry;
    history;
    metrics;
    lock;
    settings;
    instance = `${(0, node_os_1.hostname)()}/${process.pid}`;
    logger = new common_1.Logger('Jobs');
    active = new Map();
    isStopping = false;
    constructor(registry, history, metrics, lock, settings) {
        this.registry = registry;
        this.history = history;
        this.metrics = metrics;
        this.lock = lock;
        this.settings = settings;
    }
    async runOnce(name, scheduledAt = null) {
        const job = this.registry.get(name);
        if (this.isStopping)
            return this.skip(name, 'shutting-down');
        if (this.active.has(name))
            return this.skip(name, 'claimed');
        this.active.set(name, 'claiming');
        let claim = null;
        try {
            claim = await this.lock.tryClaim(name);
            if (!claim)
                return this.skip(name, 'claimed');
            if (this.isStopping)
                return this.skip(name, 'shutting-down');
            const runId = (0, node_crypto_1.randomUUID)();
            const abandoned = await this.history.markAbandoned(name);
            if (abandoned > 0)
                this.logger.warn(`${name}: marked ${abandoned} run(s) of a stopped process interrupted`);
            const triggeredBy = scheduledAt ? 'schedule' : 'manual';
            const isNew = await this.history.start({
                id: runId,
                jobName: name,
                triggeredBy,
                scheduledAt,
                instance: this.instance,
            });
            if (!isNew)
                return this.skip(name, 'already-ran');
            if (this.isStopping) {
                await this.history.finish(runId, 'interrupted', 'the process was stopping before the run began');
                return this.skip(name, 'shutting-down');
            }
            const run = this.execute(job, runId, scheduledAt, claim);
            claim = null;
            return await run;
        }
        finally {
            if (claim) {
                await claim.release();
                this.active.delete(name);
            }
            else if (this.active.get(name) === 'claiming') {
                this.active.delete(name);
            }
        }
    }
    isRunning(name) {
        return this.active.has(name);
    }
    async onModuleDestroy() {
        const timeoutMs = this.settings.shutdownTimeoutSeconds * 1000;
        await this.stop(Math.max(timeoutMs - 2000, timeoutMs / 2));
    }
    async stop(budgetMs) {
        this.isStopping = true;
        const runs = [...this.active.entries()].filter((entry) => entry[1] !== 'claiming');
        if (runs.length === 0)
            return;
        this.logger.log(`waiting up to ${inSeconds(budgetMs)} for ${runs.map(([name]) => name).join(', ')}`);
        let timer;
        const isDone = await Promise.race([
            Promise.all(runs.map(([, run]) => run.settled)).then(() => true),
            new Promise((resolve) => (timer = setTimeout(() => resolve(false), budgetMs))),
        ]);
        clearTimeout(timer);
        if (isDone)
            return;
        const reason = `the process was stopped and the run did not finish within ${inSeconds(budgetMs)}`;
        for (const [, run] of runs)
            run.controller.abort(new JobAbort('interrupted', reason));
        await Promise.all(runs.map(([, run]) => run.recorded.catch(() => undefined)));
        await Promise.all(runs.map(([, run]) => run.claim.release()));
    }
    execute(job, runId, scheduledAt, claim) {
        const controller = new AbortController();
        const abort = (reason) => controller.abort(reason);
        const onLost = () => abort(new JobAbort('interrupted', `lost its claim: ${describe(claim.lost.reason)}`));
        claim.lost.addEventListener('abort', onLost, { once: true });
        const timer = setTimeout(() => abort(new JobAbort('timed-out', `timed out after ${job.timeoutMs / 1000}s`)), job.timeoutMs);
        const started = performance.now();
        const body = Promise.resolve().then(() => job.run({ signal: controller.signal, scheduledAt, runId }));
        let isBodySettled = false;
        const markSettled = () => (isBodySettled = true);
        body.then(markSettled, markSettled);
        const aborted = new Promise((_, reject) => controller.signal.addEventListener('abort', () => reject(controller.signal.reason), {
            once: true,
        }));
        const recorded = Promise.race([body, aborted])
            .then((value) => ({ outcome: 'succeeded', detail: typeof value === 'string' ? value : '' }), (error) => ({
            outcome: error instanceof JobAbort ? error.outcome : 'failed',
            detail: describe(error),
        }))
            .then(async ({ outcome, detail }) => {
            clearTimeout(timer);
            const durationMs = performance.now() - started;
            this.metrics.recordRun(job.name, outcome, durationMs / 1000);
            await this.history.finish(runId, outcome, outcome === 'succeeded' ? undefined : detail);
            return { status: 'ran', runId, outcome, durationMs, detail };
        });
        const settled = body
            .then(() => undefined, () => undefined)
            .then(() => recorded.catch(() => undefined))
            .then(async () => {
            clearTimeout(timer);
            claim.lost.removeEventListener('abort', onLost);
            await claim.release();
            if (this.active.get(job.name) === run)
                this.active.delete(job.name);
        });
        const run = { controller, claim, recorded, settled };
        this.active.set(job.name, run);
        return recorded.then(async (result) => {
            if (isBodySettled)
                await settled;
            return result;
        });
    }
    skip(name, reason) {
        this.metrics.recordSkip(name, reason);
        this.logger.debug(`${name}: skipped (${reason})`);
        return { status: 'skipped', reason };
    }
};
exports.JobRunner = JobRunner;
exports.JobRunner = JobRunner = __decorate([
    (0, common_1.Injectable)(),
    __param(3, (0, common_1.Inject)(jobs_constants_1.JOB_LOCK)),
    __param(4, (0, common_1.Inject)(settings_1.SETTINGS)),
    __metadata("design:paramtypes", [job_registry_1.JobRegistry,
        job_history_service_1.JobHistory,
        job_metrics_1.JobMetrics, Object, Object])
], JobRunner);
function inSeconds(ms) {
    return `${Number((ms / 1000).toFixed(1))}s`;
}
function describe(error) {
    const message = error instanceof Error ? error.message : String(error);
    return message.split('\n')[0] ?? '';
}
function describeRun(name, result) {
    const took = `${(result.durationMs / 1000).toFixed(2)}s`;
    const verb = result.outcome === 'succeeded' ? `succeeded in ${took}` : `${result.outcome} after ${took}`;
    return `${name} ${verb}${result.detail ? `: ${result.detail}` : ''}`;
}
