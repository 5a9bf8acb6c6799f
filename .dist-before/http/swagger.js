"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.setUpSwagger = setUpSwagger;
const swagger_1 = require("@nestjs/swagger");
const service_info_1 = require("./service-info");
function setUpSwagger(app, settings) {
    const config = new swagger_1.DocumentBuilder()
        .setTitle(settings.serviceName)
        .setDescription(`HTTP API of the ${settings.serviceName} service`)
        .setVersion(service_info_1.SERVICE_VERSION)
        .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
        .build();
    const document = swagger_1.SwaggerModule.createDocument(app, config);
    swagger_1.SwaggerModule.setup('docs', app, document, {
        jsonDocumentUrl: 'docs-json',
        yamlDocumentUrl: 'docs-yaml',
        swaggerOptions: { persistAuthorization: true },
    });
}
