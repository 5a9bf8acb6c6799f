import type { FastifyInstance, RouteOptions } from 'fastify';
import { correlation } from '../platform/correlation';
import { appendRouteHook, RequestPhaseHook, routeMethods } from './route-hooks';

// Probes and scrapes publish nothing and log nothing worth correlating.
const UNCORRELATED_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The request id (X-Request-Id, or the one generated) becomes the correlation id while the
 * request is handled: events the handler publishes carry it as their AMQP `correlation_id`, data
 * sync events in their body's `correlation_id`, and the consumers log it. The scope is open from
 * the request's first hook until its response closes (see CorrelationScopes).
 *
 * Only requests that change something (POST, PUT, PATCH, DELETE, …) enter the scope, so a read
 * pays neither the scope's entry nor the two hooks for events it hardly ever publishes. The hooks
 * are the routes' own, added as each route is registered, so a read route runs no correlation hook
 * at all (nor the preValidation phase, which nothing else uses). While any scope is open (a write
 * here, a bus message in BusServer) and for a few seconds after, Node's promise hooks run for
 * every request on Node 20 and 22, reads included: `/api/me` cost 1.15–1.41× (medians) with them
 * (README, Speed and memory).
 */
export function registerRequestCorrelation(fastify: FastifyInstance): void {
  const openScope: RequestPhaseHook = (request, reply, done) => {
    // A route may answer several methods (`@All()`): its reads still stay out.
    if (READ_METHODS.has(request.method)) return done();
    // Open until the response closes, answered or cut off ('close' comes in both cases).
    reply.raw.once('close', correlation.open());
    correlation.enter(request.id, done);
  };
  const reenterScope: RequestPhaseHook = (request, _reply, done) => {
    if (READ_METHODS.has(request.method)) done();
    else correlation.enter(request.id, done);
  };
  fastify.addHook('onRoute', (route: RouteOptions) => {
    if (routeMethods(route).every((method) => READ_METHODS.has(method)) || UNCORRELATED_ROUTES.has(route.url))
      return;
    appendRouteHook(route, 'onRequest', openScope);
    // The handler runs from the request body's 'end' event, outside the scope entered above
    // (nodejs/node#34430; @fastify/request-context does the same): enter it again.
    appendRouteHook(route, 'preValidation', reenterScope);
  });
}
