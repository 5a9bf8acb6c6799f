"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.createApp = createApp;
const core_1 = require("@nestjs/core");
const app_module_1 = require("./app.module");
const bus_module_1 = require("./bus/bus.module");
const sync_module_1 = require("./sync/sync.module");
const validation_1 = require("./http/validation");
const configure_http_1 = require("./http/configure-http");
const logger_1 = require("./logging/logger");
async function createApp(settings, modules = []) {
    const logger = (0, logger_1.createRootLogger)(settings);
    const nestLogger = new logger_1.PinoLoggerService(logger);
    for (const warning of settings.warnings)
        logger.warn(`settings: ${warning}`);
    const app = await core_1.NestFactory.create(app_module_1.AppModule.forRoot(settings, modules), (0, configure_http_1.createHttpAdapter)(settings, logger), { logger: nestLogger, abortOnError: false });
    await (0, configure_http_1.configureHttp)(app, settings);
    const bus = (0, bus_module_1.connectBus)(app, settings, { pipes: [(0, validation_1.createValidationPipe)('strip')] });
    (0, sync_module_1.connectSync)(app, bus);
    return app;
}
