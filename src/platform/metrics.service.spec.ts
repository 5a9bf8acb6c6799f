import { DROPPED_DEFAULT_METRICS, MetricsService } from './metrics.service';

const settings = { observability: { metricsPrefix: 'spec_' } } as ConstructorParameters<
  typeof MetricsService
>[0];

/** The sample lines of one metric family on a rendered page. */
const samplesOf = (page: string, name: string): string[] =>
  page.split('\n').filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));

describe('MetricsService', () => {
  it("keeps prom-client's process metrics under the prefix, without the gauges named like counters", async () => {
    const page = await new MetricsService(settings).render();

    expect(page).toContain('# TYPE spec_process_cpu_seconds_total counter');
    for (const name of DROPPED_DEFAULT_METRICS) {
      expect(page).not.toContain(`spec_${name}`);
      // What each summed is still there, by type.
      const byType = name.replace(/_total$/, '');
      expect(page).toContain(`# TYPE spec_${byType} gauge`);
    }
    // This test's own process has timers and sockets: the by-type gauge has samples.
    expect(samplesOf(page, 'spec_nodejs_active_handles').length).toBeGreaterThan(0);
  });

  it('prefixes the metrics features ask for, once per name', () => {
    const metrics = new MetricsService(settings);
    const first = metrics.counter({ name: 'things_total', help: 'things' });

    expect(metrics.counter({ name: 'things_total', help: 'things' })).toBe(first);
    expect(metrics.registry.getSingleMetric('spec_things_total')).toBe(first);
  });
});
