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
exports.PruneJobHistoryJob = void 0;
const common_1 = require("@nestjs/common");
const settings_1 = require("../settings/settings");
const job_history_service_1 = require("./job-history.service");
const scheduled_job_decorator_1 = require("./scheduled-job.decorator");
const BATCH = 1000;
let PruneJobHistoryJob = class PruneJobHistoryJob {
    history;
    settings;
    constructor(history, settings) {
        this.history = history;
        this.settings = settings;
    }
    async prune({ signal }) {
        const cutoff = new Date(Date.now() - this.settings.jobs.historyRetentionSeconds * 1000);
        let deleted = 0;
        for (;;) {
            signal.throwIfAborted();
            const batch = await this.history.pruneBefore(cutoff, BATCH);
            deleted += batch;
            if (batch < BATCH)
                break;
        }
        return `deleted ${deleted} run(s) started before ${cutoff.toISOString()}`;
    }
};
exports.PruneJobHistoryJob = PruneJobHistoryJob;
__decorate([
    (0, scheduled_job_decorator_1.ScheduledJob)({
        name: 'prune-job-history',
        schedule: '30 3 * * *',
        description: 'delete job runs older than JOBS_HISTORY_RETENTION, keeping the latest of each job',
    }),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object]),
    __metadata("design:returntype", Promise)
], PruneJobHistoryJob.prototype, "prune", null);
exports.PruneJobHistoryJob = PruneJobHistoryJob = __decorate([
    (0, common_1.Injectable)(),
    __param(1, (0, common_1.Inject)(settings_1.SETTINGS)),
    __metadata("design:paramtypes", [job_history_service_1.JobHistory, Object])
], PruneJobHistoryJob);
