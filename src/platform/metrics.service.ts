import { Inject, Injectable } from '@nestjs/common';
import {
  collectDefaultMetrics,
  Counter,
  CounterConfiguration,
  Gauge,
  GaugeConfiguration,
  Histogram,
  HistogramConfiguration,
  Registry,
} from 'prom-client';
import { Settings, SETTINGS } from '../settings/settings';

/**
 * prom-client's default gauges whose names end in `_total`, which Prometheus keeps for counters
 * (`promtool check metrics` flags them; prometheus/client_js#283). Each only sums a gauge that
 * stays, by `type` (`nodejs_active_handles` …): `sum without (type) (…)` gives the same number.
 */
export const DROPPED_DEFAULT_METRICS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
] as const;

/**
 * One Prometheus registry per app instance, so tests can boot several apps in one process.
 * Every name gets the service's prefix here (METRICS_PREFIX; by default the service's name and
 * `_`), so feature code asks for `jobs_runs_total` and Prometheus sees `<prefix>jobs_runs_total`.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly prefix: string;

  constructor(@Inject(SETTINGS) settings: Pick<Settings, 'observability'>) {
    this.prefix = settings.observability.metricsPrefix;
    collectDefaultMetrics({ register: this.registry, prefix: this.prefix });
    for (const name of DROPPED_DEFAULT_METRICS) this.registry.removeSingleMetric(this.nameOf(name));
  }

  /** The full name of a metric as Prometheus sees it. */
  nameOf(name: string): string {
    return this.prefix + name;
  }

  /** Returns the counter with this name, creating it on first use. */
  counter<L extends string>(config: Omit<CounterConfiguration<L>, 'registers'>): Counter<L> {
    const name = this.nameOf(config.name);
    const existing = this.registry.getSingleMetric(name);
    if (existing) return existing as Counter<L>;
    return new Counter<L>({ ...config, name, registers: [this.registry] });
  }

  /** Returns the gauge with this name, creating it on first use (`collect` runs at each scrape). */
  gauge<L extends string>(config: Omit<GaugeConfiguration<L>, 'registers'>): Gauge<L> {
    const name = this.nameOf(config.name);
    const existing = this.registry.getSingleMetric(name);
    if (existing) return existing as Gauge<L>;
    return new Gauge<L>({ ...config, name, registers: [this.registry] });
  }

  /** Returns the histogram with this name, creating it on first use. */
  histogram<L extends string>(config: Omit<HistogramConfiguration<L>, 'registers'>): Histogram<L> {
    const name = this.nameOf(config.name);
    const existing = this.registry.getSingleMetric(name);
    if (existing) return existing as Histogram<L>;
    return new Histogram<L>({ ...config, name, registers: [this.registry] });
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
