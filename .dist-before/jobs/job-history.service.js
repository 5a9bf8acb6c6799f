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
exports.JobHistory = void 0;
const common_1 = require("@nestjs/common");
const typeorm_1 = require("@nestjs/typeorm");
const typeorm_2 = require("typeorm");
const job_run_entity_1 = require("./job-run.entity");
let JobHistory = class JobHistory {
    runs;
    constructor(runs) {
        this.runs = runs;
    }
    async start(run) {
        await this.runs
            .createQueryBuilder()
            .insert()
            .into(job_run_entity_1.JobRun)
            .values({ ...run, startedAt: new Date(), finishedAt: null, outcome: 'running', error: null })
            .orIgnore()
            .execute();
        return this.runs.exists({ where: { id: run.id } });
    }
    async finish(id, outcome, error) {
        await this.runs.update({ id }, { outcome, finishedAt: new Date(), error: error?.slice(0, 2000) ?? null });
    }
    async markAbandoned(jobName) {
        const result = await this.runs.update({ jobName, outcome: 'running' }, {
            outcome: 'interrupted',
            finishedAt: new Date(),
            error: 'the process running it stopped before it finished (found by the next holder of the claim)',
        });
        return result.affected ?? 0;
    }
    latest(jobName) {
        return this.runs.findOne({ where: { jobName }, order: { startedAt: 'DESC' } });
    }
    async lastSuccessAt(jobName) {
        const run = await this.runs.findOne({
            where: { jobName, outcome: 'succeeded' },
            order: { startedAt: 'DESC' },
        });
        return run?.finishedAt ?? null;
    }
    async pruneBefore(cutoff, limit) {
        const doomed = await this.runs
            .createQueryBuilder('run')
            .select('run.id', 'id')
            .where('run.started_at < :cutoff', { cutoff })
            .andWhere("run.outcome <> 'running'")
            .andWhere('run.started_at < (SELECT MAX(latest.started_at) FROM job_runs latest WHERE latest.job_name = run.job_name)')
            .limit(limit)
            .getRawMany();
        if (doomed.length === 0)
            return 0;
        const result = await this.runs.delete(doomed.map((row) => row.id));
        return result.affected ?? doomed.length;
    }
};
exports.JobHistory = JobHistory;
exports.JobHistory = JobHistory = __decorate([
    (0, common_1.Injectable)(),
    __param(0, (0, typeorm_1.InjectRepository)(job_run_entity_1.JobRun)),
    __metadata("design:paramtypes", [typeorm_2.Repository])
], JobHistory);
