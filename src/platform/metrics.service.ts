import { Injectable } from '@nestjs/common';
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

/** One Prometheus registry per app instance, so tests can boot several apps in one process. */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Returns the counter with this name, creating it on first use. */
  counter<L extends string>(config: Omit<CounterConfiguration<L>, 'registers'>): Counter<L> {
    const existing = this.registry.getSingleMetric(config.name);
    if (existing) return existing as Counter<L>;
    return new Counter<L>({ ...config, registers: [this.registry] });
  }

  /** Returns the gauge with this name, creating it on first use (`collect` runs at each scrape). */
  gauge<L extends string>(config: Omit<GaugeConfiguration<L>, 'registers'>): Gauge<L> {
    const existing = this.registry.getSingleMetric(config.name);
    if (existing) return existing as Gauge<L>;
    return new Gauge<L>({ ...config, registers: [this.registry] });
  }

  /** Returns the histogram with this name, creating it on first use. */
  histogram<L extends string>(config: Omit<HistogramConfiguration<L>, 'registers'>): Histogram<L> {
    const existing = this.registry.getSingleMetric(config.name);
    if (existing) return existing as Histogram<L>;
    return new Histogram<L>({ ...config, registers: [this.registry] });
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
