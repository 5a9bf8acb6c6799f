import { LogController } from 'fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';

const QUIET_PATHS = new Set(['/health/live', '/health/ready', '/metrics']);

/**
 * One line per finished request instead of Fastify's two; probes and scrapes that succeed
 * are logged at debug so they do not drown the log every few seconds.
 */
export class RequestLogger extends LogController {
  constructor() {
    super({ requestIdLogLabel: 'reqId' });
  }

  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const quiet = !error && reply.statusCode < 400 && QUIET_PATHS.has(request.url);
    // The logger is the pino instance handed to Fastify (see createHttpAdapter).
    if (!(reply.log as Logger).isLevelEnabled(error ? 'error' : quiet ? 'debug' : 'info')) return;
    const line = {
      method: request.method,
      url: request.url,
      statusCode: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
    };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else if (quiet) reply.log.debug(line, 'request completed');
    else reply.log.info(line, 'request completed');
  }
}
