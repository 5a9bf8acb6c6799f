import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
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
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, config), {
    jsonDocumentUrl: 'docs-json',
    yamlDocumentUrl: 'docs-yaml',
    swaggerOptions: { persistAuthorization: true },
  });
}
