import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { REQUEST_ID_HEADER } from '../http/request-id';

/** What Terminus answers for a check of nothing: clients and dashboards keep the same body. */
export const LIVENESS_BODY = '{"status":"ok","info":{},"error":{},"details":{}}';
const LIVENESS_PATH = '/health/live';
const LIVENESS_TYPE = 'application/json; charset=utf-8';

/**
 * `GET /health/live` (and HEAD) as a plain Fastify route, outside Nest's router. It is what
 * answers whenever the fast path below stands aside, so the probe behaves the same either way.
 */
export function registerLiveness(fastify: FastifyInstance): void {
  fastify.get(LIVENESS_PATH, (_request, reply) => {
    void reply.type(LIVENESS_TYPE).send(LIVENESS_BODY);
  });
}

/** What the probe's answer carries and records when the HTTP server answers it itself. */
export interface LivenessFastPathOptions {
  /** Set on every response (the security headers); content type and length are added. */
  readonly headers: Readonly<Record<string, string>>;
  /** The response's X-Request-Id (the caller's when safe, else a new one). */
  readonly requestId: (request: IncomingMessage) => string;
  /** Records the answer in the request duration histogram, in seconds. */
  readonly observe: (seconds: number) => void;
  /** While true the probe goes through Fastify (draining, debug logging, tracing). */
  readonly standAside: () => boolean;
}

const fastPaths = new WeakMap<Server, (request: IncomingMessage, response: ServerResponse) => boolean>();

/**
 * Fastify's `serverFactory`: the node:http server Fastify would create (same timeouts), whose
 * request listener can answer `GET /health/live` before Fastify sees the request.
 *
 * The kubelet calls the probe every few seconds on every pod and it checks nothing but that the
 * event loop turns: routing, the hook chain, the reply object and the request's child logger
 * are most of its cost and none of them change its answer. Once enabled (enableLivenessFastPath)
 * the server writes the same response Fastify would (status, body, security headers, request
 * id) and records it in the same histogram; anything unusual (HEAD, a query string, a trailing
 * slash, shutdown, debug logging, tracing) still goes through Fastify.
 */
export function livenessServerFactory(
  handler: (request: IncomingMessage, response: ServerResponse) => void,
  options: FastifyServerOptions,
): Server {
  const server = createServer((request, response) => {
    const answer = fastPaths.get(server);
    if (answer === undefined || !answer(request, response)) handler(request, response);
  });
  // What Fastify sets on the server it creates itself (lib/server.js).
  server.keepAliveTimeout = options.keepAliveTimeout ?? 72_000;
  server.requestTimeout = options.requestTimeout ?? 0;
  server.setTimeout(options.connectionTimeout ?? 0);
  if (options.maxRequestsPerSocket) server.maxRequestsPerSocket = options.maxRequestsPerSocket;
  return server;
}

/** Turns the fast path on for a server made by livenessServerFactory (others are left as they are). */
export function enableLivenessFastPath(server: Server, options: LivenessFastPathOptions): void {
  const fixedHeaders = {
    ...options.headers,
    'content-type': LIVENESS_TYPE,
    'content-length': String(Buffer.byteLength(LIVENESS_BODY)),
  };
  fastPaths.set(server, (request, response) => {
    if (request.url !== LIVENESS_PATH || request.method !== 'GET') return false;
    // Closing (server.close() called): Fastify answers 503 from here on (return503OnClosing).
    if (!server.listening || options.standAside()) return false;
    const started = performance.now();
    response.writeHead(200, { ...fixedHeaders, [REQUEST_ID_HEADER]: options.requestId(request) });
    response.end(LIVENESS_BODY);
    options.observe((performance.now() - started) / 1000);
    return true;
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
