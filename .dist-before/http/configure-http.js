"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.createHttpAdapter = createHttpAdapter;
exports.configureHttp = configureHttp;
const platform_fastify_1 = require("@nestjs/platform-fastify");
const error_filter_1 = require("./error.filter");
const host_check_1 = require("./host-check");
const request_logger_1 = require("./request-logger");
const request_id_1 = require("./request-id");
const security_headers_1 = require("./security-headers");
const swagger_1 = require("./swagger");
const validation_1 = require("./validation");
const BODY_LIMIT_BYTES = 1024 * 1024;
function createHttpAdapter(settings, logger) {
    return new platform_fastify_1.FastifyAdapter({
        loggerInstance: logger,
        logController: new request_logger_1.RequestLogger(),
        genReqId: request_id_1.requestIdOf,
        trustProxy: fastifyTrustProxy(settings.trustProxy),
        bodyLimit: BODY_LIMIT_BYTES,
        routerOptions: { ignoreTrailingSlash: true },
        forceCloseConnections: 'idle',
        return503OnClosing: true,
    });
}
async function configureHttp(app, settings) {
    const fastify = app.getHttpAdapter().getInstance();
    (0, host_check_1.registerHostCheck)(fastify, settings.allowedHosts);
    await (0, security_headers_1.registerSecurityHeaders)(app);
    fastify.addHook('onRequest', (request, reply, done) => {
        void reply.header(request_id_1.REQUEST_ID_HEADER, request.id);
        done();
    });
    closeKeptAliveConnectionsOnShutdown(fastify);
    app.useGlobalPipes((0, validation_1.createValidationPipe)());
    app.useGlobalFilters(new error_filter_1.ErrorFilter(settings.debug));
    (0, swagger_1.setUpSwagger)(app, settings);
}
function fastifyTrustProxy(setting) {
    if (typeof setting === 'number')
        return (_address, hop) => hop < setting;
    return typeof setting === 'boolean' ? setting : [...setting];
}
function closeKeptAliveConnectionsOnShutdown(fastify) {
    fastify.addHook('preClose', (done) => {
        const timer = setInterval(() => fastify.server.closeIdleConnections(), 50);
        timer.unref();
        fastify.server.once('close', () => clearInterval(timer));
        done();
    });
}
