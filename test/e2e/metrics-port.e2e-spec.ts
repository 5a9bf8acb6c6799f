import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { metricsPrefixOf } from '../../src/settings/observability.schema';
import { freePort } from '../support/ports';
import { spawnService, waitForStatus } from '../support/spawn-service';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * /metrics is kept off the HTTP port, which the Ingress routes to: it is served on METRICS_PORT,
 * which the Service exposes to in-cluster scrapers only. Real sockets, and main.ts in a process.
 */
describe('the metrics port', () => {
  it('main.ts serves /metrics on METRICS_PORT and nothing else there; the HTTP port answers 404', async () => {
    const [port, metricsPort] = [await freePort(), await freePort()];
    const service = spawnService(
      'main.ts',
      { DEBUG: 'true', PORT: String(port), METRICS_PORT: String(metricsPort) },
      [],
      mkdtempSync(join(tmpdir(), 'm8e-metrics-')),
    );
    try {
      await waitForStatus(`http://127.0.0.1:${port}/health/ready`, 200, 45000);
      const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      expect(metrics.status).toBe(200);
      expect(metrics.headers.get('content-type')).toContain('text/plain; version=0.0.4');
      const text = await metrics.text();
      // The service's own prefix (from the package name, which a rename rewrites).
      const { name } = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
        name: string;
      };
      const prefix = metricsPrefixOf(name);
      const lines = text.split('\n');
      expect(lines.some((line) => line.startsWith(`${prefix}process_cpu_seconds_total `))).toBe(true);
      // The readiness probe just above went through the HTTP port's pipeline and was counted.
      expect(
        lines.some(
          (line) =>
            line.startsWith(`${prefix}http_request_duration_seconds_count{`) &&
            line.includes('route="/health/ready"'),
        ),
      ).toBe(true);

      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(404);
      const elsewhere = await fetch(`http://127.0.0.1:${metricsPort}/health/live`);
      expect(elsewhere.status).toBe(404);
      const post = await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { method: 'POST' });
      expect(post.status).toBe(405);
      expect(post.headers.get('allow')).toBe('GET, HEAD');
      const index = (await (await fetch(`http://127.0.0.1:${port}/`)).json()) as { links: object };
      expect(index.links).not.toHaveProperty('metrics');
    } finally {
      service.child.kill('SIGTERM');
      // The process's stderr beside its exit code: a failure here replaces the one in the block
      // above (a start-up that never became ready), and the stderr says why.
      const { code, stderr } = await service.exited(15000);
      expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
    }
  });

  it('stops start-up with one line when METRICS_PORT is taken', async () => {
    const [port, taken] = [await freePort(), await startTestApp()];
    try {
      const busy = new URL(taken.metricsUrl).port;
      const result = await spawnService(
        'main.ts',
        { DEBUG: 'true', PORT: String(port), METRICS_PORT: busy },
        [],
        mkdtempSync(join(tmpdir(), 'm8e-metrics-')),
      ).exited(45000);
      expect(result.code).not.toBe(0);
      expect(result.stderr + result.stdout).toContain(`EADDRINUSE`);
    } finally {
      await taken.close();
    }
  });

  describe('with METRICS_PORT=main', () => {
    let testApp: TestApp;
    beforeAll(async () => {
      testApp = await startTestApp({ METRICS_PORT: 'main' });
    });
    afterAll(() => testApp?.close());

    it('serves /metrics on the HTTP port (any Host, as scrapers use the pod IP) and opens no other port', async () => {
      expect(testApp.metricsUrl).toBe(`${testApp.baseUrl}/metrics`);
      const response = await testApp.request('/metrics', { headers: { host: '10.1.2.3:8000' } });
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('process_cpu_seconds_total');
      expect(((await (await testApp.request('/')).json()) as { links: object }).links).toHaveProperty(
        'metrics',
        '/metrics',
      );
    });
  });
});
