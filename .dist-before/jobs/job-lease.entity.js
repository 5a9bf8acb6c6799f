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
exports.JobLease = void 0;
const typeorm_1 = require("typeorm");
const jobs_constants_1 = require("./jobs.constants");
let JobLease = class JobLease {
    jobName;
    holder;
    expiresAt;
};
exports.JobLease = JobLease;
__decorate([
    (0, typeorm_1.PrimaryColumn)({ name: 'job_name', type: 'varchar', length: 63 }),
    __metadata("design:type", String)
], JobLease.prototype, "jobName", void 0);
__decorate([
    (0, typeorm_1.Column)({ type: 'varchar', length: 64 }),
    __metadata("design:type", String)
], JobLease.prototype, "holder", void 0);
__decorate([
    (0, typeorm_1.Column)({ name: 'expires_at', type: 'bigint' }),
    __metadata("design:type", String)
], JobLease.prototype, "expiresAt", void 0);
exports.JobLease = JobLease = __decorate([
    (0, typeorm_1.Entity)({ name: jobs_constants_1.JOB_LEASES_TABLE })
], JobLease);
