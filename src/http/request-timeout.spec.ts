import Fastify from 'fastify';
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

  it('leaves a request that answers in time alone', async () => {
    const response = await app.inject({ method: 'GET', url: '/quick' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('ok');
  });
});
