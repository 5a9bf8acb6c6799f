import type { FastifyInstance, RouteOptions } from 'fastify';
import { correlationScope } from '../platform/correlation';
import { appendRouteHook, RequestPhaseHook, routeMethods } from './route-hooks';

// Probes and scrapes publish nothing and log nothing worth correlating.
const UNCORRELATED_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The request id (X-Request-Id, or the one generated) becomes the correlation id while the
 * request is handled: events the handler publishes carry it as their AMQP `correlation_id`, data
 * sync events in their body's `correlation_id`, and the consumers log it.
 *
 * Only requests that change something (POST, PUT, PATCH, DELETE, …) enter the scope, so a read
 * pays neither the scope's entry nor the two hooks for events it hardly ever publishes. The hooks
 * are the routes' own, added as each route is registered, so a read route runs no correlation hook
 * at all (nor the preValidation phase, which nothing else uses). The first scope entered (a write
 * here, a bus message in BusServer) turns on Node's promise hooks for the rest of the process's
 * life on Node 20 and 22, reads included: `/api/me` cost 1.15–1.41× (medians) with them (README,
 * Speed and memory); Node 22's --experimental-async-context-frame (Node 24's default) avoids it.
 */
export function registerRequestCorrelation(fastify: FastifyInstance): void {
  const enterScope: RequestPhaseHook = (request, _reply, done) => {
    // A route may answer several methods (`@All()`): its reads still stay out.
    if (READ_METHODS.has(request.method)) done();
    else correlationScope.run(request.id, done);
  };
  fastify.addHook('onRoute', (route: RouteOptions) => {
    if (routeMethods(route).every((method) => READ_METHODS.has(method)) || UNCORRELATED_ROUTES.has(route.url))
      return;
    appendRouteHook(route, 'onRequest', enterScope);
    // The handler runs from the request body's 'end' event, outside the scope entered above
    // (nodejs/node#34430; @fastify/request-context does the same): enter it again.
    appendRouteHook(route, 'preValidation', enterScope);
  });
}
