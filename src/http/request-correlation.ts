import type { FastifyInstance, FastifyRequest } from 'fastify';
import { correlationScope } from '../platform/correlation';

// Probes and scrapes publish nothing and log nothing worth correlating.
const UNCORRELATED_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The request id (X-Request-Id, or the one generated) becomes the correlation id while the
 * request is handled: events the handler publishes carry it as their AMQP `correlation_id`, data
 * sync events in their body's `correlation_id`, and the consumers log it.
 *
 * Only requests that change something (POST, PUT, PATCH, DELETE, …) enter the scope: entering an
 * AsyncLocalStorage scope turns on Node's promise hooks for the whole process (Node 20 and 22), a
 * cost every read would pay for events that reads hardly ever publish.
 */
export function registerRequestCorrelation(fastify: FastifyInstance): void {
  const enterScope = (request: FastifyRequest, _reply: unknown, done: () => void): void => {
    if (READ_METHODS.has(request.method) || UNCORRELATED_ROUTES.has(request.routeOptions.url ?? '')) done();
    else correlationScope.run(request.id, done);
  };
  fastify.addHook('onRequest', enterScope);
  // The handler runs from the request body's 'end' event, outside the scope entered above
  // (nodejs/node#34430; @fastify/request-context does the same): enter it again.
  fastify.addHook('preValidation', enterScope);
}
