import { createRequire } from 'node:module';
import { type INestApplication, Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject, SwaggerCustomOptions } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LIVENESS_OPENAPI } from '../health/liveness';
import { Settings } from '../settings/settings';
import { loadSwagger } from './api-docs';
import { SERVICE_VERSION } from './service-info';
import { type Send, serveStaticFiles } from './static-files';

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

const logger = new Logger('Swagger');

/**
 * Swagger UI at /docs and the OpenAPI document at /docs-json (and -yaml). @nestjs/swagger is
 * loaded, and the document built, on the first request for one of them, not at start-up: the
 * package and the scan of every route and DTO are start-up time and memory that a service
 * nobody reads the docs of never needs. The routes are registered now, as SwaggerModule.setup
 * would, each handing its request to the handler that setup() gives it once loaded. A load that
 * fails is logged and forgotten: that request answers 500 and the next one loads again, rather
 * than every request answering 500 until a restart. `load` is for tests.
 */
export function setUpSwagger(
  app: NestFastifyApplication,
  settings: Settings,
  load: () => Promise<Map<string, Handler>> = () => swaggerHandlers(app, settings),
): void {
  const adapter = app.getHttpAdapter();
  const handlers = keptOnceLoaded(
    load,
    logFailure('Swagger did not load, the next request for /docs tries again'),
  );
  for (const path of SWAGGER_ROUTES) {
    // With ignoreTrailingSlash, '/docs/' is the route '/docs' (whose handler serves both).
    if (path.endsWith('/')) continue;
    adapter.get(path, async (request: FastifyRequest, reply: FastifyReply) =>
      (await handlers()).get(path)!(request, reply),
    );
  }
  serveSwaggerUiFiles(app);
}

/**
 * `load` on the first call, its result shared by the calls after (and by those that came while
 * it ran). A failure is reported once, however many calls were waiting for it, and not kept.
 */
function keptOnceLoaded<T>(load: () => Promise<T>, onFailure: (error: unknown) => void): () => Promise<T> {
  let loaded: Promise<T> | null = null;
  return () =>
    (loaded ??= new Promise<T>((resolve) => resolve(load())).catch((error: unknown) => {
      loaded = null;
      onFailure(error);
      throw error;
    }));
}

/** Logs a load that failed, with its stack when it has one. */
function logFailure(what: string): (error: unknown) => void {
  return (error) => {
    const message = `${what}: ${String(error)}`;
    if (error instanceof Error && error.stack) logger.error(message, error.stack);
    else logger.error(message);
  };
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
 * Swagger UI's scripts and styles under /docs/, as SwaggerModule.setup serves them on Fastify
 * (@fastify/static, same root, prefix and defaults; see static-files.ts) but without loading
 * @fastify/static and its score of modules at start-up: the routes are registered now, the
 * @fastify/send that serves the files is imported by the first request for one. The directory
 * is found without loading Swagger. A failed import is logged and forgotten, as Swagger's is.
 */
function serveSwaggerUiFiles(app: NestFastifyApplication): void {
  const fromSwagger = createRequire(require.resolve('@nestjs/swagger/package.json'));
  const root = (fromSwagger('swagger-ui-dist/absolute-path.js') as () => string)();
  const send = keptOnceLoaded(
    loadSend,
    logFailure('@fastify/send did not load, the next request for a file of /docs/ tries again'),
  );
  serveStaticFiles(app.getHttpAdapter().getInstance(), { prefix: `/${DOCS_PATH}/`, root, send });
}

async function loadSend(): Promise<Send> {
  const { default: send } = await import('@fastify/send');
  // What @fastify/static sets as it loads: a file of no known type is sent as a download.
  (send.mime as unknown as { default_type: string }).default_type = 'application/octet-stream';
  return send;
}
