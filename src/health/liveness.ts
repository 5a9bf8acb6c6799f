import type { OpenAPIObject } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';

/** What Terminus answers for a check of nothing: clients and dashboards keep the same body. */
export const LIVENESS_BODY = '{"status":"ok","info":{},"error":{},"details":{}}';

/**
 * `GET /health/live` (and HEAD) as a plain Fastify route, outside Nest's router. The kubelet
 * calls it every few seconds on every pod and it checks nothing but that the event loop turns,
 * so it has no use for the guard, pipes, interceptors and exception zone a Nest route runs in: a
 * probe must be the cheapest request the service answers. The server-wide hooks still run on
 * it (request id, security headers, metrics, the shutdown's `Connection: close`).
 */
export function registerLiveness(fastify: FastifyInstance): void {
  fastify.get('/health/live', (_request, reply) => {
    void reply.type('application/json; charset=utf-8').send(LIVENESS_BODY);
  });
}

/** Its entry in the OpenAPI document, which only sees Nest's routes. */
export const LIVENESS_OPENAPI: OpenAPIObject['paths'][string] = {
  get: {
    tags: ['health'],
    summary: 'Liveness: the process is up and its event loop turns; no dependency is checked',
    responses: { '200': { description: LIVENESS_BODY } },
  },
};
