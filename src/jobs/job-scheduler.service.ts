import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob, CronTime } from 'cron';
import { Settings, SETTINGS } from '../settings/settings';
import { JobHistory } from './job-history.service';
import { JobMetrics } from './job-metrics';
import { JobDefinition, JobRegistry } from './job-registry';
import { describeRun, JobRunner } from './job-runner.service';
import { dueTick } from './job-ticks';

/**
 * Puts each enabled job on @nestjs/schedule's SchedulerRegistry as a cron job whose tick asks the
 * runner to run it. Every replica ticks; the claim and the tick's history row let one run it.
 *
 * Missed ticks are not made up: a tick that passed while no replica was up (or while the job was
 * still running) is skipped, and the job runs at its next tick. Run it by hand with `jobs:run`.
 */
@Injectable()
export class JobScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Jobs');
  private readonly scheduled: string[] = [];

  constructor(
    private readonly registry: JobRegistry,
    private readonly runner: JobRunner,
    private readonly history: JobHistory,
    private readonly metrics: JobMetrics,
    private readonly schedulerRegistry: SchedulerRegistry,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.settings.jobs.enabled) {
      this.logger.log('JOBS_ENABLED=false: this process schedules no job');
      return;
    }
    const jobs = this.registry.list().filter((job) => job.isEnabled);
    for (const job of jobs) this.schedule(job);
    if (jobs.length > 0) {
      this.logger.log(
        `scheduled (${this.settings.jobs.timeZone}): ${jobs.map((j) => `${j.name} "${j.schedule}"`).join(', ')}`,
      );
    }
    // The last success so far, so the gauge means something before this process runs the job.
    await Promise.all(
      jobs.map(async (job) => {
        const at = await this.history.lastSuccessAt(job.name).catch(() => null);
        if (at) this.metrics.recordSuccessAt(job.name, at);
      }),
    );
  }

  /** Stops the timers first, so no tick starts while the runner drains. */
  onModuleDestroy(): void {
    for (const name of this.scheduled.splice(0)) this.schedulerRegistry.deleteCronJob(name);
  }

  private schedule(job: JobDefinition): void {
    const cronTime = new CronTime(job.schedule, job.timeZone);
    let expected = cronTime.sendAt().toJSDate();
    const cron = CronJob.from({
      cronTime: job.schedule,
      timeZone: job.timeZone,
      name: job.name,
      start: false,
      onTick: () => {
        const tick = dueTick(cronTime, job.timeZone, expected, new Date());
        expected = cron.nextDate().toJSDate();
        this.runner.runOnce(job.name, tick).then(
          (result) => {
            if (result.status === 'skipped') return;
            if (result.outcome === 'succeeded') this.logger.log(describeRun(job.name, result));
            else this.logger.error(describeRun(job.name, result));
          },
          (error: Error) => {
            this.logger.error(
              `${job.name}: could not run the tick of ${tick.toISOString()}: ${error.message}`,
            );
          },
        );
      },
    });
    this.schedulerRegistry.addCronJob(job.name, cron);
    this.scheduled.push(job.name);
    cron.start();
  }
}
