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
exports.JobScheduler = void 0;
const common_1 = require("@nestjs/common");
const schedule_1 = require("@nestjs/schedule");
const cron_1 = require("cron");
const settings_1 = require("../settings/settings");
const job_history_service_1 = require("./job-history.service");
const job_metrics_1 = require("./job-metrics");
const job_registry_1 = require("./job-registry");
const job_runner_service_1 = require("./job-runner.service");
const job_ticks_1 = require("./job-ticks");
let JobScheduler = class JobScheduler {
    registry;
    runner;
    history;
    metrics;
    schedulerRegistry;
    settings;
    logger = new common_1.Logger('Jobs');
    scheduled = [];
    constructor(registry, runner, history, metrics, schedulerRegistry, settings) {
        this.registry = registry;
        this.runner = runner;
        this.history = history;
        this.metrics = metrics;
        this.schedulerRegistry = schedulerRegistry;
        this.settings = settings;
    }
    async onApplicationBootstrap() {
        if (!this.settings.jobs.enabled) {
            this.logger.log('JOBS_ENABLED=false: this process schedules no job');
            return;
        }
        const jobs = this.registry.list().filter((job) => job.isEnabled);
        for (const job of jobs)
            this.schedule(job);
        if (jobs.length > 0) {
            this.logger.log(`scheduled (${this.settings.jobs.timeZone}): ${jobs.map((j) => `${j.name} "${j.schedule}"`).join(', ')}`);
        }
        await Promise.all(jobs.map(async (job) => {
            const at = await this.history.lastSuccessAt(job.name).catch(() => null);
            if (at)
                this.metrics.recordSuccessAt(job.name, at);
        }));
    }
    onModuleDestroy() {
        for (const name of this.scheduled.splice(0))
            this.schedulerRegistry.deleteCronJob(name);
    }
    schedule(job) {
        const cronTime = new cron_1.CronTime(job.schedule, job.timeZone);
        let expected = cronTime.sendAt().toJSDate();
        const cron = cron_1.CronJob.from({
            cronTime: job.schedule,
            timeZone: job.timeZone,
            name: job.name,
            start: false,
            onTick: () => {
                const tick = (0, job_ticks_1.dueTick)(cronTime, job.timeZone, expected, new Date());
                expected = cron.nextDate().toJSDate();
                this.runner.runOnce(job.name, tick).then((result) => {
                    if (result.status === 'skipped')
                        return;
                    if (result.outcome === 'succeeded')
                        this.logger.log((0, job_runner_service_1.describeRun)(job.name, result));
                    else
                        this.logger.error((0, job_runner_service_1.describeRun)(job.name, result));
                }, (error) => {
                    this.logger.error(`${job.name}: could not run the tick of ${tick.toISOString()}: ${error.message}`);
                });
            },
        });
        this.schedulerRegistry.addCronJob(job.name, cron);
        this.scheduled.push(job.name);
        cron.start();
    }
};
exports.JobScheduler = JobScheduler;
exports.JobScheduler = JobScheduler = __decorate([
    (0, common_1.Injectable)(),
    __param(5, (0, common_1.Inject)(settings_1.SETTINGS)),
    __metadata("design:paramtypes", [job_registry_1.JobRegistry,
        job_runner_service_1.JobRunner,
        job_history_service_1.JobHistory,
        job_metrics_1.JobMetrics,
        schedule_1.SchedulerRegistry, Object])
], JobScheduler);
