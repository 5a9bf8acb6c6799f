import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';

/** A callback-style hook of the request phases before the handler. */
export type RequestPhaseHook = (request: FastifyRequest, reply: FastifyReply, done: () => void) => void;

/**
 * Adds a hook to one route as it is registered (from an `onRoute` hook), after the route's own:
 * a hook only some routes need costs the others nothing, where a global one runs on every request.
 */
export function appendRouteHook(
  route: RouteOptions,
  phase: 'onRequest' | 'preValidation',
  hook: RequestPhaseHook,
): void {
  const current = route[phase];
  const hooks = current === undefined ? [] : Array.isArray(current) ? current : [current];
  route[phase] = [...hooks, hook] as RouteOptions[typeof phase];
}

/** The methods a route answers. */
export function routeMethods(route: RouteOptions): string[] {
  return Array.isArray(route.method) ? route.method : [route.method];
}
