import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from './error-body';

/**
 * REQUEST_TIMEOUT: a request still unanswered after `timeoutMs` gets 503 and its connection is
 * closed, so a client never waits on a dependency that hangs (a database that does not answer,
 * a lock). The handler may still finish later; its answer is then dropped (Fastify logs that the
 * reply was already sent).
 */
export function registerRequestTimeout(fastify: FastifyInstance, timeoutMs: number): void {
  const timers = new WeakMap<FastifyRequest, NodeJS.Timeout>();
  const clear = (request: FastifyRequest): void => {
    clearTimeout(timers.get(request));
    timers.delete(request);
  };
  fastify.addHook('onRequest', (request, reply, done) => {
    const timer = setTimeout(() => answerTimedOut(request, reply, timeoutMs), timeoutMs);
    timer.unref();
    timers.set(request, timer);
    reply.raw.once('close', () => clear(request));
    done();
  });
  fastify.addHook('onResponse', (request, _reply, done) => {
    clear(request);
    done();
  });
}

function answerTimedOut(request: FastifyRequest, reply: FastifyReply, timeoutMs: number): void {
  if (reply.sent || reply.raw.headersSent) return;
  request.log.warn({ url: request.url, timeoutMs }, 'request timed out: answered 503');
  void reply
    .code(503)
    .header('connection', 'close')
    .send(errorBody(503, `no answer within ${timeoutMs} ms; try again`));
}
