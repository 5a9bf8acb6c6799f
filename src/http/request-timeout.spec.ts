import Fastify from 'fastify';
import { IncomingMessage, request as httpRequest } from 'node:http';
import { registerRequestTimeout } from './request-timeout';

describe(registerRequestTimeout.name, () => {
  const app = Fastify();
  registerRequestTimeout(app, 100);
  let release: () => void = () => undefined;
  app.get('/hangs', () => new Promise<string>((resolve) => (release = () => resolve('late'))));
  app.get('/quick', () => 'ok');

  afterAll(async () => {
    release();
    await app.close();
  });

  it('answers 503 with the error shape when the handler has not answered in time', async () => {
    const response = await app.inject({ method: 'GET', url: '/hangs' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'no answer within 100 ms; try again',
    });
    expect(response.headers.connection).toBe('close');
  });

  it('gives every request its whole time, however many hang at once', async () => {
    const answers = await Promise.all(
      [0, 40, 80].map(async (delay) => {
        await new Promise((resolve) => setTimeout(resolve, delay));
        const startedAt = Date.now();
        const response = await app.inject({ method: 'GET', url: '/hangs' });
        return { status: response.statusCode, waited: Date.now() - startedAt };
      }),
    );
    expect(answers.map((answer) => answer.status)).toEqual([503, 503, 503]);
    // Never early (a sweep may come up to its interval late, never before the deadline).
    for (const answer of answers) expect(answer.waited).toBeGreaterThanOrEqual(95);
  });

  it('adds no per-request listener (an onRequestAbort hook would add a close listener to each)', async () => {
    const closeListeners = async (withTimeout: boolean): Promise<number> => {
      const server = Fastify();
      if (withTimeout) registerRequestTimeout(server, 100);
      let raw: IncomingMessage | undefined;
      server.get('/listeners', (request) => {
        raw = request.raw;
        return 'ok';
      });
      await server.inject({ method: 'GET', url: '/listeners' });
      await server.close();
      // Counted once the request is over: Fastify adds that listener after the onRequest hooks.
      return raw!.listenerCount('close');
    };
    expect(await closeListeners(true)).toBe(await closeListeners(false));
  });

  it('keeps serving after a client hangs up before its deadline (nothing is written to its socket)', async () => {
    const server = Fastify();
    registerRequestTimeout(server, 100);
    let handlerDone: () => void = () => undefined;
    const handled = new Promise<void>((resolve) => (handlerDone = resolve));
    server.get('/hangs', async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      handlerDone();
      return 'late';
    });
    server.get('/quick', () => 'ok');
    const address = await server.listen({ port: 0, host: '127.0.0.1' });
    try {
      const sent = httpRequest(`${address}/hangs`);
      sent.on('error', () => undefined);
      sent.end();
      await new Promise((resolve) => setTimeout(resolve, 30));
      sent.destroy();
      // The deadline passes (the sweep finds the socket destroyed), then the handler finishes.
      await handled;
      const response = await fetch(`${address}/quick`);
      expect(await response.text()).toBe('ok');
    } finally {
      await server.close();
    }
  });

  it('still times out the slow and the late requests after thousands were answered behind a slow one', async () => {
    const server = Fastify();
    registerRequestTimeout(server, 1000);
    const releases: (() => void)[] = [];
    server.get('/hangs', () => new Promise<string>((resolve) => releases.push(() => resolve('late'))));
    server.get('/quick', () => 'ok');
    await server.ready();
    try {
      const slow = server.inject({ method: 'GET', url: '/hangs' });
      // Answered requests queue up behind the slow one until the sweeps filter them out.
      for (let i = 0; i < 3000; i++)
        expect((await server.inject({ method: 'GET', url: '/quick' })).body).toBe('ok');
      const late = server.inject({ method: 'GET', url: '/hangs' });
      expect((await slow).statusCode).toBe(503);
      expect((await late).statusCode).toBe(503);
    } finally {
      for (const release of releases) release();
      await server.close();
    }
  });

  it('leaves a request that answers in time alone', async () => {
    const response = await app.inject({ method: 'GET', url: '/quick' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('ok');
  });
});
