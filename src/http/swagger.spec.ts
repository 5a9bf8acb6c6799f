import type { INestApplication } from '@nestjs/common';
import { SWAGGER_ROUTES, swaggerHandlers } from './swagger';

describe('lazy Swagger routes', () => {
  it('are the routes SwaggerModule.setup registers, so each has its handler once Swagger is loaded', async () => {
    const app = { getHttpAdapter: () => ({ getRequestUrl: (request: { url: string }) => request.url }) };
    const handlers = await swaggerHandlers(app as unknown as INestApplication, {
      serviceName: 'test-service',
    });
    expect([...handlers.keys()].sort()).toEqual([...SWAGGER_ROUTES].sort());
  });
});
