import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { MetricsService } from '../platform/metrics.service';
import { JobOutcome } from './job-run.entity';

export type SkipReason = 'claimed' | 'already-ran' | 'shutting-down';

/**
 * Per process: a run is counted where it ran. Sum the counters over pods, and take the max of
 * `jobs_last_success_timestamp_seconds` (each process starts it from the run history).
 */
@Injectable()
export class JobMetrics {
  private readonly runs: Counter<'job' | 'outcome'>;
  private readonly failures: Counter<'job'>;
  private readonly skips: Counter<'job' | 'reason'>;
  private readonly duration: Histogram<'job'>;
  private readonly lastSuccess: Gauge<'job'>;

  constructor(metrics: MetricsService) {
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

  recordRun(job: string, outcome: Exclude<JobOutcome, 'running'>, seconds: number): void {
    this.runs.inc({ job, outcome });
    this.duration.observe({ job }, seconds);
    if (outcome === 'succeeded') this.recordSuccessAt(job, new Date());
    else this.failures.inc({ job });
  }

  recordSkip(job: string, reason: SkipReason): void {
    this.skips.inc({ job, reason });
  }

  recordSuccessAt(job: string, at: Date): void {
    this.lastSuccess.set({ job }, at.getTime() / 1000);
  }
}
