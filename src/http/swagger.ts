import { createRequire } from 'node:module';
import type { INestApplication } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject, SwaggerCustomOptions } from '@nestjs/swagger';
import type { fastify, FastifyReply, FastifyRequest } from 'fastify';
import { LIVENESS_OPENAPI } from '../health/liveness';
import { Settings } from '../settings/settings';
import { loadSwagger } from './api-docs';
import { SERVICE_VERSION } from './service-info';

const DOCS_PATH = 'docs';

/**
 * The routes SwaggerModule.setup('docs', …) registers besides its static files, with the options
 * below (a unit test holds this list to what the installed @nestjs/swagger registers).
 */
export const SWAGGER_ROUTES = [
  '/docs/swagger-ui-init.js',
  '/docs/docs/swagger-ui-init.js',
  '/docs',
  '/docs/index.html',
  '/docs/LICENSE',
  '/docs/',
  '/docs-json',
  '/docs-yaml',
] as const;

const SWAGGER_OPTIONS: SwaggerCustomOptions = {
  jsonDocumentUrl: 'docs-json',
  yamlDocumentUrl: 'docs-yaml',
  swaggerOptions: { persistAuthorization: true },
};

type Handler = (request: FastifyRequest, reply: FastifyReply) => unknown;

/**
 * Swagger UI at /docs and the OpenAPI document at /docs-json (and -yaml). @nestjs/swagger is
 * loaded, and the document built, on the first request for one of them, not at start-up: the
 * package and the scan of every route and DTO are start-up time and memory that a service
 * nobody reads the docs of never needs. The routes are registered now, as SwaggerModule.setup
 * would, each handing its request to the handler that setup() gives it once loaded.
 */
export function setUpSwagger(app: NestFastifyApplication, settings: Settings): void {
  const adapter = app.getHttpAdapter();
  let handlers: Promise<Map<string, Handler>> | null = null;
  for (const path of SWAGGER_ROUTES) {
    // With ignoreTrailingSlash, '/docs/' is the route '/docs' (whose handler serves both).
    if (path.endsWith('/')) continue;
    adapter.get(path, async (request: FastifyRequest, reply: FastifyReply) => {
      handlers ??= swaggerHandlers(app, settings);
      return (await handlers).get(path)!(request, reply);
    });
  }
  serveSwaggerUiFiles(app);
}

/** What SwaggerModule.setup registers, captured instead of registered (the routes exist already). */
export async function swaggerHandlers(
  app: INestApplication,
  settings: Pick<Settings, 'serviceName'>,
): Promise<Map<string, Handler>> {
  const { DocumentBuilder, SwaggerModule } = await loadSwagger();
  const config = new DocumentBuilder()
    .setTitle(settings.serviceName)
    .setDescription(`HTTP API of the ${settings.serviceName} service`)
    .setVersion(SERVICE_VERSION)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  const document = (): OpenAPIObject => {
    const built = SwaggerModule.createDocument(app, config);
    built.paths['/health/live'] = LIVENESS_OPENAPI;
    return built;
  };
  const adapter = app.getHttpAdapter();
  const handlers = new Map<string, Handler>();
  const capturing = {
    get: (path: string, handler: Handler) => handlers.set(path, handler),
    getRequestUrl: (request: unknown) => adapter.getRequestUrl!(request),
    // Not 'fastify': setup() then hands its static files to useStaticAssets, a no-op here.
    getType: () => 'capturing',
  };
  const capturingApp = { getHttpAdapter: () => capturing, useStaticAssets: () => undefined };
  SwaggerModule.setup(DOCS_PATH, capturingApp as unknown as INestApplication, document, SWAGGER_OPTIONS);
  return handlers;
}

/**
 * Swagger UI's scripts and styles under /docs/: the wildcard route @fastify/static would add,
 * whose requests go, from the first one on, to a Fastify instance of their own that serves them
 * with @fastify/static as SwaggerModule.setup does (same root and options), so neither package
 * is loaded at start-up. What that instance answers is this reply's: status, headers, body; a
 * file it does not have is this server's 404, an error it raises is raised here.
 */
function serveSwaggerUiFiles(app: NestFastifyApplication): void {
  let files: Promise<(request: FastifyRequest, reply: FastifyReply) => Promise<unknown>> | null = null;
  app
    .getHttpAdapter()
    .getInstance()
    .route({
      method: ['HEAD', 'GET'],
      url: `/${DOCS_PATH}/*`,
      handler: async (request, reply) => {
        files ??= swaggerUiFiles();
        return (await files)(request, reply);
      },
    });
}

const CALL_HEADER = 'x-swagger-ui-call';
// inject() resolves `..` in the URL it is given; @fastify/static must see it to refuse it (403).
const URL_HEADER = 'x-swagger-ui-url';
// Set by the server that sends the answer, not copied from the instance that made it.
const OWN_HEADERS = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);

async function swaggerUiFiles(): Promise<(request: FastifyRequest, reply: FastifyReply) => Promise<unknown>> {
  const fromSwagger = createRequire(require.resolve('@nestjs/swagger/package.json'));
  const root = (fromSwagger('swagger-ui-dist/absolute-path.js') as () => string)();
  // The Fastify that Nest's adapter runs on, not one of this package's own.
  const createFastify = createRequire(require.resolve('@nestjs/platform-fastify'))(
    'fastify',
  ) as typeof fastify;
  const fastifyStatic = (await import('@fastify/static')).default;
  const outcomes = new Map<string, 'not found' | Error>();
  const files = createFastify({ rewriteUrl: (request) => String(request.headers[URL_HEADER]) });
  files.setNotFoundHandler((request, reply) => {
    outcomes.set(String(request.headers[CALL_HEADER]), 'not found');
    void reply.code(404).send();
  });
  files.setErrorHandler((error, request, reply) => {
    outcomes.set(String(request.headers[CALL_HEADER]), error as Error);
    void reply.code(500).send();
  });
  await files.register(fastifyStatic, { root, prefix: `/${DOCS_PATH}`, decorateReply: false });
  await files.ready();
  let calls = 0;
  return async (request, reply) => {
    const call = String(++calls);
    const response = await files.inject({
      method: request.method as 'GET' | 'HEAD',
      url: request.url,
      headers: { ...request.headers, [CALL_HEADER]: call, [URL_HEADER]: request.raw.url ?? request.url },
    });
    const outcome = outcomes.get(call);
    outcomes.delete(call);
    if (outcome === 'not found') return reply.callNotFound();
    if (outcome) throw outcome;
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined && !OWN_HEADERS.has(name)) void reply.header(name, value);
    }
    return reply.code(response.statusCode).send(request.method === 'HEAD' ? undefined : response.rawPayload);
  };
}
