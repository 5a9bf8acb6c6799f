import { type INestApplication, Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
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
        getInstance: () => ({ register: () => undefined }),
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

describe('loadSwagger', () => {
  afterEach(() => jest.dontMock('@nestjs/swagger'));

  it('imports @nestjs/swagger again after an import that failed, then applies the decorators recorded before', async () => {
    let imports = 0;
    jest.doMock('@nestjs/swagger', () => {
      imports += 1;
      if (imports === 1) throw new Error('transient');
      return jest.requireActual<object>('@nestjs/swagger');
    });
    await jest.isolateModulesAsync(async () => {
      const docs = await import('./api-docs');
      class Dto {}
      docs.ApiProperty({ type: String })(Dto.prototype, 'name');

      await expect(docs.loadSwagger()).rejects.toThrow('transient');
      const api = await docs.loadSwagger();
      expect(imports).toBe(2);
      expect(Reflect.getMetadata(api.DECORATORS.API_MODEL_PROPERTIES_ARRAY, Dto.prototype)).toEqual([
        ':name',
      ]);
      await expect(docs.loadSwagger()).resolves.toBe(api);
      expect(imports).toBe(2);
    });
  });
});
