import { DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Settings } from '../settings/settings';
import { AdvisoryJobLock } from './advisory-job-lock';
import { JOB_LOCK } from './jobs.constants';
import { JobHistory } from './job-history.service';
import { JobLease } from './job-lease.entity';
import { JobLock } from './job-lock';
import { JobMetrics } from './job-metrics';
import { JobRegistry } from './job-registry';
import { JobRun } from './job-run.entity';
import { JobRunner } from './job-runner.service';
import { JobScheduler } from './job-scheduler.service';
import { LeaseJobLock } from './lease-job-lock';
import { PruneJobHistoryJob } from './prune-job-history.job';

/**
 * Scheduled jobs: finds `@ScheduledJob()` methods in every module, schedules them on
 * @nestjs/schedule, and runs each tick once across the replicas sharing the database.
 */
@Module({})
export class JobsModule {
  static forRoot(settings: Settings): DynamicModule {
    const { database } = settings;
    return {
      module: JobsModule,
      imports: [DiscoveryModule, ScheduleModule.forRoot(), TypeOrmModule.forFeature([JobRun, JobLease])],
      providers: [
        JobRegistry,
        JobHistory,
        JobMetrics,
        JobRunner,
        JobScheduler,
        {
          provide: JOB_LOCK,
          inject: [DataSource],
          useFactory: (dataSource: DataSource): JobLock =>
            database.type === 'postgres' ? new AdvisoryJobLock(database.url) : new LeaseJobLock(dataSource),
        },
        PruneJobHistoryJob,
      ],
      exports: [JobRegistry, JobRunner, JobHistory],
    };
  }
}
