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
exports.JobMetrics = void 0;
const common_1 = require("@nestjs/common");
const metrics_service_1 = require("../platform/metrics.service");
let JobMetrics = class JobMetrics {
    runs;
    failures;
    skips;
    duration;
    lastSuccess;
    constructor(metrics) {
        this.runs = metrics.counter({
            name: 'jobs_runs_total',
            help: 'Job runs finished in this process, by outcome',
            labelNames: ['job', 'outcome'],
        });
        this.failures = metrics.counter({
            name: 'jobs_failures_total',
            help: 'Job runs that failed, timed out or were interrupted',
            labelNames: ['job'],
        });
        this.skips = metrics.counter({
            name: 'jobs_skipped_total',
            help: 'Ticks this process did not run: claimed elsewhere, already ran, or shutting down',
            labelNames: ['job', 'reason'],
        });
        this.duration = metrics.histogram({
            name: 'jobs_run_duration_seconds',
            help: 'Job run duration',
            labelNames: ['job'],
            buckets: [0.01, 0.05, 0.25, 1, 5, 15, 60, 300, 900, 3600],
        });
        this.lastSuccess = metrics.gauge({
            name: 'jobs_last_success_timestamp_seconds',
            help: 'When the job last succeeded (Unix time), as far as this process knows',
            labelNames: ['job'],
        });
    }
    recordRun(job, outcome, seconds) {
        this.runs.inc({ job, outcome });
        this.duration.observe({ job }, seconds);
        if (outcome === 'succeeded')
            this.recordSuccessAt(job, new Date());
        else
            this.failures.inc({ job });
    }
    recordSkip(job, reason) {
        this.skips.inc({ job, reason });
    }
    recordSuccessAt(job, at) {
        this.lastSuccess.set({ job }, at.getTime() / 1000);
    }
};
exports.JobMetrics = JobMetrics;
exports.JobMetrics = JobMetrics = __decorate([
    (0, common_1.Injectable)(),
    __metadata("design:paramtypes", [metrics_service_1.MetricsService])
], JobMetrics);
