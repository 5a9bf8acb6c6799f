import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Settings, SETTINGS } from '../settings/settings';
import { MetricsService } from './metrics.service';

/**
 * `GET /metrics` on a port of its own (METRICS_PORT), so what Prometheus scrapes in the cluster is
 * out of reach of the Ingress, which only routes to the HTTP port. A bare `node:http` server:
 * one route, no Host check (scrapers use the pod IP), nothing of the app's request pipeline.
 * Started by main.ts (and the tests), never by the CLI, which builds the same modules.
 */
@Injectable()
export class MetricsServer implements OnApplicationShutdown {
  private server: Server | null = null;

  constructor(
    private readonly metrics: MetricsService,
    @Inject(SETTINGS) private readonly settings: Pick<Settings, 'observability'>,
  ) {}

  /** Listens on METRICS_PORT; returns the port, or null when metrics are on the main port. */
  async listen(host: string): Promise<number | null> {
    const port = this.settings.observability.metricsPort;
    if (port === 'main' || this.server) return this.port();
    const server = createServer((request, response) => void this.answer(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    return this.port();
  }

  /** The port listened on (METRICS_PORT=0 picks one), null before listen() or with `main`. */
  port(): number | null {
    return (this.server?.address() as AddressInfo | null)?.port ?? null;
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  private async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?', 1)[0];
    if (path !== '/metrics') return send(response, 404, 'application/json', NOT_FOUND);
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('allow', 'GET, HEAD');
      return send(response, 405, 'application/json', METHOD_NOT_ALLOWED);
    }
    try {
      const body = await this.metrics.render();
      send(response, 200, this.metrics.contentType, request.method === 'HEAD' ? '' : body);
    } catch {
      // A collector that throws is a bug in a metric; the scrape fails visibly rather than hangs.
      send(response, 500, 'application/json', RENDER_FAILED);
    }
  }
}

const NOT_FOUND = JSON.stringify({
  statusCode: 404,
  error: 'Not Found',
  message: 'only /metrics is served here',
});
const METHOD_NOT_ALLOWED = JSON.stringify({
  statusCode: 405,
  error: 'Method Not Allowed',
  message: 'GET /metrics',
});
const RENDER_FAILED = JSON.stringify({
  statusCode: 500,
  error: 'Internal Server Error',
  message: 'metrics failed',
});

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  response.end(body);
}
