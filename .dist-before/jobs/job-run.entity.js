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
Object.defineProperty(exports, "__esModule", { value: true });
exports.JobRun = void 0;
const typeorm_1 = require("typeorm");
const jobs_constants_1 = require("./jobs.constants");
let JobRun = class JobRun {
    id;
    jobName;
    triggeredBy;
    scheduledAt;
    startedAt;
    finishedAt;
    outcome;
    error;
    instance;
};
exports.JobRun = JobRun;
__decorate([
    (0, typeorm_1.PrimaryColumn)({ type: 'uuid' }),
    __metadata("design:type", String)
], JobRun.prototype, "id", void 0);
__decorate([
    (0, typeorm_1.Column)({ name: 'job_name', type: 'varchar', length: 63 }),
    __metadata("design:type", String)
], JobRun.prototype, "jobName", void 0);
__decorate([
    (0, typeorm_1.Column)({ name: 'triggered_by', type: 'varchar', length: 16 }),
    __metadata("design:type", String)
], JobRun.prototype, "triggeredBy", void 0);
__decorate([
    (0, typeorm_1.Column)({ name: 'scheduled_at', type: Date, nullable: true }),
    __metadata("design:type", Object)
], JobRun.prototype, "scheduledAt", void 0);
__decorate([
    (0, typeorm_1.Index)('IDX_job_runs_started_at'),
    (0, typeorm_1.Column)({ name: 'started_at', type: Date }),
    __metadata("design:type", Date)
], JobRun.prototype, "startedAt", void 0);
__decorate([
    (0, typeorm_1.Column)({ name: 'finished_at', type: Date, nullable: true }),
    __metadata("design:type", Object)
], JobRun.prototype, "finishedAt", void 0);
__decorate([
    (0, typeorm_1.Column)({ type: 'varchar', length: 16 }),
    __metadata("design:type", String)
], JobRun.prototype, "outcome", void 0);
__decorate([
    (0, typeorm_1.Column)({ type: 'varchar', length: 2000, nullable: true }),
    __metadata("design:type", Object)
], JobRun.prototype, "error", void 0);
__decorate([
    (0, typeorm_1.Column)({ type: 'varchar', length: 255 }),
    __metadata("design:type", String)
], JobRun.prototype, "instance", void 0);
exports.JobRun = JobRun = __decorate([
    (0, typeorm_1.Entity)({ name: jobs_constants_1.JOB_RUNS_TABLE }),
    (0, typeorm_1.Index)('UQ_job_runs_job_name_scheduled_at', ['jobName', 'scheduledAt'], { unique: true }),
    (0, typeorm_1.Index)('IDX_job_runs_job_name_started_at', ['jobName', 'startedAt'])
], JobRun);
