import type { FastifyInstance, FastifyRequest } from 'fastify';
import { correlationScope } from '../platform/correlation';

// Probes and scrapes publish nothing and log nothing worth correlating; they skip the scope.
const UNCORRELATED_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);

/**
 * The request id (X-Request-Id, or the one generated) becomes the correlation id while the
 * request is handled: events the handler publishes carry it as their AMQP `correlation_id`, data
 * sync events in their body's `correlation_id`, and the consumers log it.
 */
export function registerRequestCorrelation(fastify: FastifyInstance): void {
  const enterScope = (request: FastifyRequest, _reply: unknown, done: () => void): void => {
    if (UNCORRELATED_ROUTES.has(request.routeOptions.url ?? '')) done();
    else correlationScope.run(request.id, done);
  };
  fastify.addHook('onRequest', enterScope);
  // The handler runs from the request body's 'end' event, outside the scope entered above
  // (nodejs/node#34430; @fastify/request-context does the same): enter it again.
  fastify.addHook('preValidation', enterScope);
}
