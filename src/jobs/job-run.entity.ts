import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { JOB_RUNS_TABLE } from './jobs.constants';

export type JobTrigger = 'schedule' | 'manual';
export type JobOutcome = 'running' | 'succeeded' | 'failed' | 'timed-out' | 'interrupted';

/**
 * One run of a job. The unique (job_name, scheduled_at) pair is what makes a tick run once
 * across replicas; manual runs have no tick (NULLs never collide), so they are never refused by it.
 */
@Entity({ name: JOB_RUNS_TABLE })
@Index('UQ_job_runs_job_name_scheduled_at', ['jobName', 'scheduledAt'], { unique: true })
@Index('IDX_job_runs_job_name_started_at', ['jobName', 'startedAt'])
export class JobRun {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'job_name', type: 'varchar', length: 63 })
  jobName!: string;

  @Column({ name: 'triggered_by', type: 'varchar', length: 16 })
  triggeredBy!: JobTrigger;

  @Column({ name: 'scheduled_at', type: Date, nullable: true })
  scheduledAt!: Date | null;

  @Index('IDX_job_runs_started_at')
  @Column({ name: 'started_at', type: Date })
  startedAt!: Date;

  @Column({ name: 'finished_at', type: Date, nullable: true })
  finishedAt!: Date | null;

  @Column({ type: 'varchar', length: 16 })
  outcome!: JobOutcome;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  error!: string | null;

  /** `<hostname>/<pid>`: the pod name in Kubernetes. */
  @Column({ type: 'varchar', length: 255 })
  instance!: string;
}
