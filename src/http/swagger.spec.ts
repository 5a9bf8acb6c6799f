import { type INestApplication, Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { Readable } from 'node:stream';
import type { Settings } from '../settings/settings';
import { SWAGGER_ROUTES, setUpSwagger, swaggerHandlers } from './swagger';

type Handler = (request: FastifyRequest, reply: FastifyReply) => unknown;

describe('lazy Swagger routes', () => {
  afterEach(() => jest.restoreAllMocks());

  it('are the routes SwaggerModule.setup registers, so each has its handler once Swagger is loaded', async () => {
    const app = { getHttpAdapter: () => ({ getRequestUrl: (request: { url: string }) => request.url }) };
    const handlers = await swaggerHandlers(app as unknown as INestApplication, {
      serviceName: 'test-service',
    });
    expect([...handlers.keys()].sort()).toEqual([...SWAGGER_ROUTES].sort());
  });

  it('load Swagger again after a load that failed (logged once), and keep the load that succeeded', async () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const document = jest.fn<unknown, Parameters<Handler>>(() => 'the document');
    const load = jest
      .fn<Promise<Map<string, Handler>>, []>()
      .mockRejectedValueOnce(new Error('transient'))
      .mockResolvedValue(new Map(SWAGGER_ROUTES.map((path) => [path, document])));
    const routes = new Map<string, Handler>();
    const app = {
      getHttpAdapter: () => ({
        get: (path: string, handler: Handler) => routes.set(path, handler),
        getInstance: () => ({ route: () => undefined }),
      }),
    };
    setUpSwagger(app as unknown as NestFastifyApplication, {} as Settings, load);
    const docsJson = routes.get('/docs-json')!;
    const request = {} as FastifyRequest;
    const reply = {} as FastifyReply;

    // Two requests while the first load fails: both get its error, which is logged once.
    const failed = await Promise.allSettled([docsJson(request, reply), docsJson(request, reply)]);
    expect(failed.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(load).toHaveBeenCalledTimes(1);
    expect(logged).toHaveBeenCalledTimes(1);
    expect(logged.mock.calls[0][0]).toContain('transient');

    await expect(docsJson(request, reply)).resolves.toBe('the document');
    await expect(routes.get('/docs-yaml')!(request, reply)).resolves.toBe('the document');
    expect(load).toHaveBeenCalledTimes(2);
    expect(logged).toHaveBeenCalledTimes(1);
  });
});

/** Mocks `name` so that its first import throws and the later ones load it; counts the imports. */
function failingFirstImport(name: string): () => number {
  let imports = 0;
  jest.doMock(name, () => {
    imports += 1;
    if (imports === 1) throw new Error('transient');
    return jest.requireActual<object>(name);
  });
  return () => imports;
}

describe("Swagger UI's files", () => {
  afterEach(() => jest.dontMock('@fastify/send'));

  it('import @fastify/send on the first request for one, not at start-up, and again after an import that failed (logged once)', async () => {
    const imports = failingFirstImport('@fastify/send');
    await jest.isolateModulesAsync(async () => {
      // This registry's own Logger, the one swagger.ts logs with.
      const { Logger: IsolatedLogger } = await import('@nestjs/common');
      const logged = jest.spyOn(IsolatedLogger.prototype, 'error').mockImplementation(() => undefined);
      const { setUpSwagger: setUp } = await import('./swagger');
      const routes: RouteOptions[] = [];
      const app = {
        getHttpAdapter: () => ({
          get: () => undefined,
          getInstance: () => ({ route: (options: RouteOptions) => routes.push(options) }),
        }),
      };
      setUp(app as unknown as NestFastifyApplication, {} as Settings, () => Promise.resolve(new Map()));
      expect(routes.map((route) => [route.method, route.url])).toEqual([[['HEAD', 'GET'], '/docs/:name']]);
      expect(imports()).toBe(0);

      const handler = routes[0].handler as (request: unknown, reply: unknown) => Promise<unknown>;
      const request = {
        params: { name: 'swagger-ui.css' },
        raw: { url: '/docs/swagger-ui.css?v=1', headers: {} },
      };
      const reply = { code: jest.fn(), headers: jest.fn(), send: jest.fn() };
      // Chained as Fastify's reply is: reply.code(…).headers(…).send(…).
      reply.code.mockReturnValue(reply);
      reply.headers.mockReturnValue(reply);
      await expect(handler(request, reply)).rejects.toThrow('transient');
      expect(logged).toHaveBeenCalledTimes(1);
      expect(logged.mock.calls[0][0]).toContain('transient');

      for (const attempt of [2, 3]) {
        await handler(request, reply);
        expect([attempt, imports()]).toEqual([attempt, 2]);
        expect(reply.code).toHaveBeenLastCalledWith(200);
        expect(reply.headers).toHaveBeenLastCalledWith(
          expect.objectContaining({ 'Content-Type': 'text/css; charset=utf-8' }),
        );
        const stream = reply.send.mock.lastCall?.[0] as Readable;
        expect(stream).toBeInstanceOf(Readable);
        stream.destroy();
      }
      expect(logged).toHaveBeenCalledTimes(1);
    });
  });
});

describe('loadSwagger', () => {
  afterEach(() => jest.dontMock('@nestjs/swagger'));

  it('imports @nestjs/swagger again after an import that failed, then applies the decorators recorded before', async () => {
    const imports = failingFirstImport('@nestjs/swagger');
    await jest.isolateModulesAsync(async () => {
      const docs = await import('./api-docs');
      class Dto {}
      docs.ApiProperty({ type: String })(Dto.prototype, 'name');

      await expect(docs.loadSwagger()).rejects.toThrow('transient');
      const api = await docs.loadSwagger();
      expect(imports()).toBe(2);
      expect(Reflect.getMetadata(api.DECORATORS.API_MODEL_PROPERTIES_ARRAY, Dto.prototype)).toEqual([
        ':name',
      ]);
      await expect(docs.loadSwagger()).resolves.toBe(api);
      expect(imports()).toBe(2);
    });
  });
});
