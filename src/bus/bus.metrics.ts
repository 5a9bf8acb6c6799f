import { Counter } from 'prom-client';
import { MetricsService } from '../platform/metrics.service';
import { DeadLetterReason, METRICS } from './bus.constants';

/** The bus's Prometheus counters; without a MetricsService (CLI, bench) it counts nothing. */
export class BusMetrics {
  private readonly publishedTotal?: Counter;
  private readonly confirmedTotal?: Counter;
  private readonly consumedTotal?: Counter<'pattern'>;
  private readonly retriedTotal?: Counter<'pattern'>;
  private readonly deadLetteredTotal?: Counter<'reason'>;

  constructor(metrics: MetricsService | null) {
    if (!metrics) return;
    this.publishedTotal = metrics.counter({ name: METRICS.published, help: 'Messages handed to the broker' });
    this.confirmedTotal = metrics.counter({
      name: METRICS.confirmed,
      help: 'Published messages the broker confirmed',
    });
    this.consumedTotal = metrics.counter({
      name: METRICS.consumed,
      help: 'Messages handled and acked',
      labelNames: ['pattern'],
    });
    this.retriedTotal = metrics.counter({
      name: METRICS.retried,
      help: 'Failed messages sent to a delay queue',
      labelNames: ['pattern'],
    });
    this.deadLetteredTotal = metrics.counter({
      name: METRICS.deadLettered,
      help: 'Messages parked in the dead-letter queue',
      labelNames: ['reason'],
    });
  }

  onPublished(): void {
    this.publishedTotal?.inc();
  }

  onConfirmed(): void {
    this.confirmedTotal?.inc();
  }

  onConsumed(pattern: string): void {
    this.consumedTotal?.inc({ pattern });
  }

  onRetried(pattern: string): void {
    this.retriedTotal?.inc({ pattern });
  }

  onDeadLettered(reason: DeadLetterReason): void {
    this.deadLetteredTotal?.inc({ reason });
  }
}
