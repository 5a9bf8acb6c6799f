import { Column, Entity, PrimaryColumn } from 'typeorm';
import { JOB_LEASES_TABLE } from './jobs.constants';

/**
 * A job's claim on SQLite (PostgreSQL uses advisory locks and leaves this table empty): held by
 * `holder` until `expires_at` (epoch milliseconds), renewed while the run goes on.
 */
@Entity({ name: JOB_LEASES_TABLE })
export class JobLease {
  @PrimaryColumn({ name: 'job_name', type: 'varchar', length: 63 })
  jobName!: string;

  @Column({ type: 'varchar', length: 64 })
  holder!: string;

  @Column({ name: 'expires_at', type: 'bigint' })
  expiresAt!: string;
}
