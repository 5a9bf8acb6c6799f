import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { JobOutcome, JobRun, JobTrigger } from './job-run.entity';

export interface NewRun {
  readonly id: string;
  readonly jobName: string;
  readonly triggeredBy: JobTrigger;
  readonly scheduledAt: Date | null;
  readonly instance: string;
}

/** The job_runs table: one row per run, written by the process that holds the job's claim. */
@Injectable()
export class JobHistory {
  constructor(@InjectRepository(JobRun) private readonly runs: Repository<JobRun>) {}

  /** Records a run as started; false when its tick already has a row (another replica ran it). */
  async start(run: NewRun): Promise<boolean> {
    await this.runs
      .createQueryBuilder()
      .insert()
      .into(JobRun)
      .values({ ...run, startedAt: new Date(), finishedAt: null, outcome: 'running', error: null })
      .orIgnore() // ON CONFLICT DO NOTHING / INSERT OR IGNORE: the tick's unique row decides
      .execute();
    return this.runs.exists({ where: { id: run.id } });
  }

  async finish(id: string, outcome: Exclude<JobOutcome, 'running'>, error?: string): Promise<void> {
    await this.runs.update({ id }, { outcome, finishedAt: new Date(), error: error?.slice(0, 2000) ?? null });
  }

  /**
   * Called by the claim holder only: any other run of the job still marked running belongs to a
   * process that died without finishing it (its claim is gone, or we could not hold this one).
   */
  async markAbandoned(jobName: string): Promise<number> {
    const result = await this.runs.update(
      { jobName, outcome: 'running' },
      {
        outcome: 'interrupted',
        finishedAt: new Date(),
        error: 'the process running it stopped before it finished (found by the next holder of the claim)',
      },
    );
    return result.affected ?? 0;
  }

  latest(jobName: string): Promise<JobRun | null> {
    return this.runs.findOne({ where: { jobName }, order: { startedAt: 'DESC' } });
  }

  /** The job's last `limit` runs, newest first (the admin console's history). */
  recent(jobName: string, limit: number): Promise<JobRun[]> {
    return this.runs.find({ where: { jobName }, order: { startedAt: 'DESC' }, take: limit });
  }

  async lastSuccessAt(jobName: string): Promise<Date | null> {
    const run = await this.runs.findOne({
      where: { jobName, outcome: 'succeeded' },
      order: { startedAt: 'DESC' },
    });
    return run?.finishedAt ?? null;
  }

  /** Deletes up to `limit` finished runs started before `cutoff`, keeping each job's latest run. */
  async pruneBefore(cutoff: Date, limit: number): Promise<number> {
    const doomed = await this.runs
      .createQueryBuilder('run')
      .select('run.id', 'id')
      .where('run.started_at < :cutoff', { cutoff })
      .andWhere("run.outcome <> 'running'")
      .andWhere(
        'run.started_at < (SELECT MAX(latest.started_at) FROM job_runs latest WHERE latest.job_name = run.job_name)',
      )
      .limit(limit)
      .getRawMany<{ id: string }>();
    if (doomed.length === 0) return 0;
    const result = await this.runs.delete(doomed.map((row) => row.id));
    return result.affected ?? doomed.length;
  }
}
