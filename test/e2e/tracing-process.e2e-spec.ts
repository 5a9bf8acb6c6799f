import { mkdtempSync } from 'node:fs';
import { createServer, Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testKeyPair } from '../support/keys';
import { freePort } from '../support/ports';
import { spawnService, waitForStatus } from '../support/spawn-service';

/**
 * The real process (src/main.ts) with OTEL_TRACES_EXPORTER=otlp and a collector that accepts
 * connections and never answers: requests are served, and SIGTERM still exits 0 promptly (the
 * flush of buffered spans is bounded) instead of waiting for the exporter's retries.
 */
describe('tracing in the real process', () => {
  let collector: Server;
  const sockets = new Set<Socket>();
  let collectorPort: number;
  let isExportAttempted = false;

  beforeAll(async () => {
    collector = createServer((socket) => {
      sockets.add(socket);
      socket.on('data', () => (isExportAttempted = true));
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    collectorPort = (collector.address() as { port: number }).port;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => collector.close(resolve));
  });

  it('serves with tracing on and stops within seconds of SIGTERM while the collector stalls', async () => {
    const keys = testKeyPair();
    const port = await freePort();
    const service = spawnService('main.ts', {
      DEBUG: 'false',
      SECRET_KEY: 'test-secret-key-that-is-long-enough-0123456789',
      JWT_SIGN_KEY: keys.privateKey,
      JWT_VERIFY_KEY: keys.publicKey,
      DATABASE_URL: `sqlite:///${join(mkdtempSync(join(tmpdir(), 'm8e-tracing-')), 'db.sqlite3')}`,
      MIGRATE_ON_START: 'true',
      PORT: String(port),
      SHUTDOWN_TIMEOUT: '20s',
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${collectorPort}`,
    });
    try {
      await waitForStatus(`http://127.0.0.1:${port}/health/ready`, 200, 45_000);
      const response = await fetch(`http://127.0.0.1:${port}/api/items`);
      expect(response.status).toBe(401);
      const stopping = Date.now();
      service.child.kill('SIGTERM');
      const finished = await service.exited(30_000);
      expect(finished.code).toBe(0);
      expect(Date.now() - stopping).toBeLessThan(8_000);
      expect(isExportAttempted).toBe(true);
    } finally {
      service.child.kill('SIGKILL');
    }
  });
});
