import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { enableLivenessFastPath, livenessServerFactory, registerLiveness } from '../health/liveness';
import { MetricsService } from '../platform/metrics.service';
import { ShutdownState } from '../platform/shutdown-state';
import { Settings } from '../settings/settings';
import { activeTracing } from '../tracing/tracing';
import { ErrorFilter } from './error.filter';
import { registerHostCheck } from './host-check';
import { registerJsonDepthLimit } from './json-depth';
import { RequestLogger } from './request-logger';
import { registerRequestCorrelation } from './request-correlation';
import { observerFor, registerRequestMetrics } from './request-metrics';
import { REQUEST_ID_HEADER, requestIdOf } from './request-id';
import { registerRequestTimeout } from './request-timeout';
import { registerSecurityHeaders } from './security-headers';
import { setUpSwagger } from './swagger';
import { createValidationPipe } from './validation';

const BODY_LIMIT_BYTES = 1024 * 1024;

/** Fastify was chosen over Express by measurement; the README's design notes have the numbers. */
export function createHttpAdapter(settings: Settings, logger: Logger): FastifyAdapter {
  return new FastifyAdapter({
    loggerInstance: logger,
    logController: new RequestLogger(),
    genReqId: requestIdOf,
    trustProxy: fastifyTrustProxy(settings.trustProxy),
    bodyLimit: BODY_LIMIT_BYTES,
    // Django-style paths (`/api/token/`, simplejwt's) and Nest's (`/api/token`) must both match.
    routerOptions: { ignoreTrailingSlash: true },
    // Keep-alive connections that are idle are closed at shutdown; busy ones finish first.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    // Answers the liveness probe before Fastify once configureHttp has enabled it.
    serverFactory: livenessServerFactory,
  });
}

/**
 * Everything HTTP that is not a route: spans, correlation, metrics, hosts, request ids, headers,
 * validation, errors, docs.
 */
export async function configureHttp(app: NestFastifyApplication, settings: Settings): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  const tracing = activeTracing();
  if (tracing) {
    // First, so the server span covers the hooks below; spans still buffered go out on close.
    tracing.instrumentHttp(fastify);
    fastify.addHook('onClose', () => tracing.flush());
  }
  registerRequestCorrelation(fastify);
  const requestDuration = registerRequestMetrics(fastify, app.get(MetricsService));
  registerHostCheck(fastify, settings.allowedHosts);
  const jsonSecurityHeaders = registerSecurityHeaders(fastify);
  registerJsonDepthLimit(app, BODY_LIMIT_BYTES);
  registerRequestTimeout(fastify, settings.requestTimeoutMs);
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
  registerLiveness(fastify);
  const shutdown = app.get(ShutdownState);
  const logger = fastify.log as Logger;
  enableLivenessFastPath(fastify.server, {
    headers: jsonSecurityHeaders,
    requestId: requestIdOf,
    observe: observerFor(requestDuration, 'GET', '/health/live', 200),
    // The Fastify route then answers: `Connection: close`, the debug log line, the server span.
    standAside: () => shutdown.draining || tracing !== null || logger.isLevelEnabled('debug'),
  });
  askClientsToReconnectWhileDraining(fastify, shutdown);
  closeKeptAliveConnectionsOnShutdown(fastify);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ErrorFilter(settings.debug));
  setUpSwagger(app, settings);
}

/** A hop count becomes the function form, which Fastify's adapter types accept. */
function fastifyTrustProxy(
  setting: Settings['trustProxy'],
): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  return typeof setting === 'boolean' ? setting : [...setting];
}

/**
 * During SHUTDOWN_DELAY every response closes its connection: a kept-alive client opens a new
 * one for its next request, which the load balancer sends to another pod. When the server then
 * stops accepting, no client is left holding a connection it is about to lose mid-request.
 */
function askClientsToReconnectWhileDraining(fastify: FastifyInstance, shutdown: ShutdownState): void {
  fastify.addHook('onSend', (_request, reply, _payload, done) => {
    if (shutdown.draining) void reply.header('connection', 'close');
    done();
  });
}

/**
 * Node's server.close() drops the connections that are idle at that moment, but a kept-alive
 * connection whose request finishes later would hold shutdown open for the keep-alive timeout.
 * So while closing, idle connections are dropped as soon as they go idle.
 *
 * Node counts as idle only a connection that has finished a request: one that has not begun
 * one (a browser's or a load balancer's preconnect, a client that sent half a request line) held
 * shutdown until headersTimeout dropped it, 60 s and more; a test app's close timed out on four
 * such sockets a headless Chromium had opened. Those are dropped too: nothing they sent has
 * reached a handler, so a client can only retry it.
 */
function closeKeptAliveConnectionsOnShutdown(fastify: FastifyInstance): void {
  const server = fastify.server;
  const unused = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    unused.add(socket);
    socket.once('close', () => unused.delete(socket));
  });
  server.on('request', (request: IncomingMessage) => unused.delete(request.socket));
  fastify.addHook('preClose', (done) => {
    const closeUnusedAndIdle = (): void => {
      server.closeIdleConnections();
      for (const socket of unused) socket.destroy();
    };
    const timer = setInterval(closeUnusedAndIdle, 50);
    timer.unref();
    server.once('close', () => clearInterval(timer));
    done();
  });
}
