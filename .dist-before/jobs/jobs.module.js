"use strict";
var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var JobsModule_1;
Object.defineProperty(exports, "__esModule", { value: true });
exports.JobsModule = void 0;
const common_1 = require("@nestjs/common");
const core_1 = require("@nestjs/core");
const schedule_1 = require("@nestjs/schedule");
const typeorm_1 = require("@nestjs/typeorm");
const typeorm_2 = require("typeorm");
const advisory_job_lock_1 = require("./advisory-job-lock");
const jobs_constants_1 = require("./jobs.constants");
const job_history_service_1 = require("./job-history.service");
const job_lease_entity_1 = require("./job-lease.entity");
const job_metrics_1 = require("./job-metrics");
const job_registry_1 = require("./job-registry");
const job_run_entity_1 = require("./job-run.entity");
const job_runner_service_1 = require("./job-runner.service");
const job_scheduler_service_1 = require("./job-scheduler.service");
const lease_job_lock_1 = require("./lease-job-lock");
const prune_job_history_job_1 = require("./prune-job-history.job");
let JobsModule = JobsModule_1 = class JobsModule {
    static forRoot(settings) {
        const { database } = settings;
        return {
            module: JobsModule_1,
            imports: [core_1.DiscoveryModule, schedule_1.ScheduleModule.forRoot(), typeorm_1.TypeOrmModule.forFeature([job_run_entity_1.JobRun, job_lease_entity_1.JobLease])],
            providers: [
                job_registry_1.JobRegistry,
                job_history_service_1.JobHistory,
                job_metrics_1.JobMetrics,
                job_runner_service_1.JobRunner,
                job_scheduler_service_1.JobScheduler,
                {
                    provide: jobs_constants_1.JOB_LOCK,
                    inject: [typeorm_2.DataSource],
                    useFactory: (dataSource) => database.type === 'postgres' ? new advisory_job_lock_1.AdvisoryJobLock(database.url) : new lease_job_lock_1.LeaseJobLock(dataSource),
                },
                prune_job_history_job_1.PruneJobHistoryJob,
            ],
            exports: [job_registry_1.JobRegistry, job_runner_service_1.JobRunner, job_history_service_1.JobHistory],
        };
    }
};
exports.JobsModule = JobsModule;
exports.JobsModule = JobsModule = JobsModule_1 = __decorate([
    (0, common_1.Module)({})
], JobsModule);
