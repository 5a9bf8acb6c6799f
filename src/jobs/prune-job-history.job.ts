import { Inject, Injectable } from '@nestjs/common';
import { Settings, SETTINGS } from '../settings/settings';
import { JobHistory } from './job-history.service';
import { JobContext, ScheduledJob } from './scheduled-job.decorator';

const BATCH = 1000;

/** Keeps job_runs to JOBS_HISTORY_RETENTION; each job's latest run stays, so `jobs:list` still shows it. */
@Injectable()
export class PruneJobHistoryJob {
  constructor(
    private readonly history: JobHistory,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  @ScheduledJob({
    name: 'prune-job-history',
    schedule: '30 3 * * *',
    description: 'delete job runs older than JOBS_HISTORY_RETENTION, keeping the latest of each job',
  })
  async prune({ signal }: JobContext): Promise<string> {
    const cutoff = new Date(Date.now() - this.settings.jobs.historyRetentionSeconds * 1000);
    let deleted = 0;
    for (;;) {
      signal.throwIfAborted();
      const batch = await this.history.pruneBefore(cutoff, BATCH);
      deleted += batch;
      if (batch < BATCH) break;
    }
    return `deleted ${deleted} run(s) started before ${cutoff.toISOString()}`;
  }
}
