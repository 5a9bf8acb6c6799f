import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';

/** What start-up waits for right now: `database`, then `start-up` while the app is built. */
export type StartupState = () => string;

/**
 * Holds the port while the app waits for its database, so Kubernetes sees a live process
 * (`/health/live` 200) that is not ready (`/health/ready` 503) instead of no answer, and
 * restarts nothing. Every other route answers 503 at once: a request must neither hang nor
 * fail with 500 for want of a dependency. The app takes the port over once it is built.
 */
export class StandInServer {
  private constructor(private readonly server: Server) {}

  static async listen(port: number, host: string, state: StartupState): Promise<StandInServer> {
    const server = createServer((request, response) => answer(request, response, state()));
    // Nothing is kept open between probes, so close() is not held up by idle keep-alive sockets.
    server.keepAliveTimeout = 0;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    return new StandInServer(server);
  }

  /** Frees the port for the app (connections still open are ended). */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }
}

function answer(request: IncomingMessage, response: ServerResponse, state: string): void {
  const path = (request.url ?? '/').split('?')[0].replace(/\/+$/, '');
  if (path === '/health/live') return send(response, 200, { status: 'ok', info: {}, error: {}, details: {} });
  // The same shapes as HealthController and the error filter, states only.
  if (path === '/health/ready')
    return send(response, 503, {
      statusCode: 503,
      message: `not ready: ${state}`,
      status: 'error',
      info: {},
      error: { [state]: { status: 'down' } },
      details: { [state]: { status: 'down' } },
    });
  const message = `starting: waiting for the ${state}`;
  send(response, 503, { statusCode: 503, error: 'Service Unavailable', message }, { 'retry-after': '5' });
}

function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    connection: 'close',
    ...headers,
  });
  response.end(JSON.stringify(body));
}
