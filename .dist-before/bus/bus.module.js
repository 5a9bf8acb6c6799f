"use strict";
var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
var __param = (this && this.__param) || function (paramIndex, decorator) {
    return function (target, key) { decorator(target, key, paramIndex); }
};
var BusModule_1;
Object.defineProperty(exports, "__esModule", { value: true });
exports.BusModule = void 0;
exports.createBusClient = createBusClient;
exports.createBusServer = createBusServer;
exports.connectBus = connectBus;
const common_1 = require("@nestjs/common");
const bus_exception_filter_1 = require("./bus-exception.filter");
const metrics_service_1 = require("../platform/metrics.service");
const amqp_client_1 = require("./amqp.client");
const amqp_server_1 = require("./amqp.server");
const bus_client_1 = require("./bus.client");
const bus_constants_1 = require("./bus.constants");
const bus_metrics_1 = require("./bus.metrics");
const bus_readiness_check_1 = require("./bus.readiness-check");
const in_process_broker_1 = require("./in-process.broker");
const in_process_client_1 = require("./in-process.client");
const in_process_server_1 = require("./in-process.server");
let BusLifecycle = class BusLifecycle {
    client;
    ownBroker;
    constructor(client, ownBroker) {
        this.client = client;
        this.ownBroker = ownBroker;
    }
    async onApplicationBootstrap() {
        await this.client.connect();
    }
    async onApplicationShutdown() {
        await this.client.close();
        this.ownBroker?.close();
    }
};
BusLifecycle = __decorate([
    __param(0, (0, common_1.Inject)(bus_constants_1.BUS_CLIENT)),
    __metadata("design:paramtypes", [bus_client_1.BusClient, Object])
], BusLifecycle);
let BusModule = BusModule_1 = class BusModule {
    static forRoot(settings, options = {}) {
        return {
            module: BusModule_1,
            providers: [
                {
                    provide: bus_constants_1.IN_PROCESS_BROKER,
                    useFactory: () => (settings.amqpUrl ? null : (options.inProcessBroker ?? new in_process_broker_1.InProcessBroker())),
                },
                {
                    provide: bus_constants_1.BUS_CLIENT,
                    inject: [bus_constants_1.IN_PROCESS_BROKER, { token: metrics_service_1.MetricsService, optional: true }],
                    useFactory: (broker, metrics) => createBusClient(settings, broker, new bus_metrics_1.BusMetrics(metrics ?? null)),
                },
                { provide: bus_client_1.BusClient, useExisting: bus_constants_1.BUS_CLIENT },
                bus_readiness_check_1.BusReadinessCheck,
                {
                    provide: BusLifecycle,
                    inject: [bus_constants_1.BUS_CLIENT, bus_constants_1.IN_PROCESS_BROKER],
                    useFactory: (client, broker) => new BusLifecycle(client, options.inProcessBroker ? null : broker),
                },
            ],
            exports: [bus_constants_1.BUS_CLIENT, bus_client_1.BusClient, bus_constants_1.IN_PROCESS_BROKER, bus_readiness_check_1.BusReadinessCheck],
        };
    }
};
exports.BusModule = BusModule;
exports.BusModule = BusModule = BusModule_1 = __decorate([
    (0, common_1.Global)(),
    (0, common_1.Module)({})
], BusModule);
function createBusClient(settings, broker, metrics) {
    const { exchange, publishTimeoutMs, publishBufferLimit, requestTimeoutMs } = settings.bus;
    if (settings.amqpUrl) {
        const connectionName = `${settings.serviceName}-publisher`;
        return new amqp_client_1.AmqpClient({
            url: settings.amqpUrl,
            exchange,
            publishTimeoutMs,
            publishBufferLimit,
            requestTimeoutMs,
            connectionName,
        }, metrics);
    }
    return new in_process_client_1.InProcessClient(broker ?? new in_process_broker_1.InProcessBroker(), { exchange, requestTimeoutMs }, metrics);
}
function createBusServer(app, settings, extra = {}) {
    const metrics = new bus_metrics_1.BusMetrics(optionalGet(app, metrics_service_1.MetricsService));
    const options = {
        ...settings.bus,
        ...extra,
        secretKey: settings.secretKey,
        drainTimeoutMs: extra.drainTimeoutMs ?? Math.max(1000, settings.shutdownTimeoutSeconds * 700),
    };
    const server = settings.amqpUrl
        ? new amqp_server_1.AmqpServer({ ...options, url: settings.amqpUrl, connectionName: `${settings.serviceName}-consumer` }, metrics)
        : new in_process_server_1.InProcessServer(app.get(bus_constants_1.IN_PROCESS_BROKER), options, metrics);
    optionalGet(app, bus_readiness_check_1.BusReadinessCheck)?.watch(server);
    return server;
}
function connectBus(app, settings, extra = {}) {
    const server = createBusServer(app, settings, extra);
    const microservice = app.connectMicroservice({ strategy: server }, { deferInitialization: true });
    microservice.setIsInitHookCalled(true);
    microservice.useGlobalPipes(...(extra.pipes ?? []));
    microservice.useGlobalFilters(new bus_exception_filter_1.BusExceptionFilter());
    return server;
}
function optionalGet(app, token) {
    try {
        return app.get(token, { strict: false });
    }
    catch {
        return null;
    }
}
