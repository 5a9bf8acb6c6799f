import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { LIVENESS_OPENAPI } from '../health/liveness';
import { Settings } from '../settings/settings';
import { SERVICE_VERSION } from './service-info';

/** Swagger UI at /docs and the OpenAPI document at /docs-json. */
export function setUpSwagger(app: INestApplication, settings: Settings): void {
  const config = new DocumentBuilder()
    .setTitle(settings.serviceName)
    .setDescription(`HTTP API of the ${settings.serviceName} service`)
    .setVersion(SERVICE_VERSION)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.paths['/health/live'] = LIVENESS_OPENAPI;
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    yamlDocumentUrl: 'docs-yaml',
    swaggerOptions: { persistAuthorization: true },
  });
}
