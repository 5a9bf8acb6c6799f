import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { LIVENESS_OPENAPI } from '../health/liveness';
import { Settings } from '../settings/settings';
import { SERVICE_VERSION } from './service-info';

/**
 * Swagger UI at /docs and the OpenAPI document at /docs-json. The document is built on the first
 * request for it, not at start-up: scanning every route and DTO is start-up time (and memory)
 * that a service nobody reads the docs of never needs.
 */
export function setUpSwagger(app: INestApplication, settings: Settings): void {
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
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    yamlDocumentUrl: 'docs-yaml',
    swaggerOptions: { persistAuthorization: true },
  });
}
