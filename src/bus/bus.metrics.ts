import { Counter, Histogram } from 'prom-client';
import { MetricsService } from '../platform/metrics.service';
import { DeadLetterReason, METRICS } from './bus.constants';

/** How a publish ended: the broker's confirm, or why it failed. */
export type PublishOutcome = 'confirmed' | 'nacked' | 'timeout' | 'closed' | 'failed';

/** How a delivery's handling ended (see DispatchOutcome). */
export type HandleOutcome = 'done' | 'retry' | 'dead-letter';

/** The pattern label of a delivery no handler matched. */
export const UNMATCHED_PATTERN = 'unmatched';

// Confirms arrive in a few milliseconds; the top buckets show a broker that is away.
const PUBLISH_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const HANDLE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** The bus's Prometheus metrics; without a MetricsService (CLI, bench) it counts nothing. */
export class BusMetrics {
  private readonly publishedTotal?: Counter;
  private readonly confirmedTotal?: Counter;
  private readonly consumedTotal?: Counter<'pattern'>;
  private readonly retriedTotal?: Counter<'pattern'>;
  private readonly deadLetteredTotal?: Counter<'reason'>;
  private readonly publishDuration?: Histogram<'outcome'>;
  private readonly handleDuration?: Histogram<'pattern' | 'outcome'>;

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
    this.publishDuration = metrics.histogram({
      name: METRICS.publishDuration,
      help: "Seconds from publishing an event to the broker's confirm (or the failure), by outcome",
      labelNames: ['outcome'],
      buckets: PUBLISH_BUCKETS,
    });
    this.handleDuration = metrics.histogram({
      name: METRICS.handleDuration,
      help: 'Seconds a delivery spent in its handler, by handler pattern and outcome',
      labelNames: ['pattern', 'outcome'],
      buckets: HANDLE_BUCKETS,
    });
  }

  onPublishSettled(seconds: number, outcome: PublishOutcome): void {
    this.publishDuration?.observe({ outcome }, seconds);
  }

  onHandled(pattern: string, outcome: HandleOutcome, seconds: number): void {
    this.handleDuration?.observe({ pattern, outcome }, seconds);
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
