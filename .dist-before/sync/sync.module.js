"use strict";
var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var SyncModule_1;
Object.defineProperty(exports, "__esModule", { value: true });
exports.SyncFeatureModule = exports.SyncModule = exports.InjectMasterRepository = void 0;
exports.masterRepositoryToken = masterRepositoryToken;
exports.connectSync = connectSync;
const common_1 = require("@nestjs/common");
const typeorm_1 = require("@nestjs/typeorm");
const bus_constants_1 = require("../bus/bus.constants");
const metrics_service_1 = require("../platform/metrics.service");
const settings_1 = require("../settings/settings");
const outbox_listener_1 = require("./outbox-listener");
const outbox_relay_service_1 = require("./outbox-relay.service");
const prune_sync_job_1 = require("./prune-sync.job");
const replica_applier_service_1 = require("./replica-applier.service");
const replica_revisions_bus_1 = require("./replica-revisions.bus");
const sync_consumer_1 = require("./sync-consumer");
const sync_sender_service_1 = require("./sync-sender.service");
const sync_transactions_1 = require("./sync-transactions");
const sync_constants_1 = require("./sync.constants");
const sync_metrics_1 = require("./sync.metrics");
const sync_registry_1 = require("./sync.registry");
function masterRepositoryToken(entity) {
    return `SyncMasterRepository(${entity.name})`;
}
const InjectMasterRepository = (entity) => (0, common_1.Inject)(masterRepositoryToken(entity));
exports.InjectMasterRepository = InjectMasterRepository;
class SyncLifecycle {
    settings;
    registry;
    relay;
    bus;
    listener = null;
    constructor(settings, registry, relay, bus) {
        this.settings = settings;
        this.registry = registry;
        this.relay = relay;
        this.bus = bus;
    }
    async onApplicationBootstrap() {
        if (this.registry.masterIds.length === 0)
            return;
        await this.bus.declareExchange(sync_constants_1.CQRS_EXCHANGE);
        const { database } = this.settings;
        if (database.type === 'postgres') {
            this.listener = new outbox_listener_1.OutboxListener(database.url, () => this.relay.wake());
            await this.listener.start();
        }
        this.relay.start();
    }
    async beforeApplicationShutdown() {
        await this.listener?.stop();
        await this.relay.stop();
    }
}
let SyncModule = SyncModule_1 = class SyncModule {
    static forRoot(settings) {
        const providers = [
            {
                provide: sync_transactions_1.SyncTransactions,
                inject: [(0, typeorm_1.getDataSourceToken)()],
                useFactory: (dataSource) => new sync_transactions_1.SyncTransactions(dataSource),
            },
            {
                provide: sync_registry_1.SyncRegistry,
                inject: [(0, typeorm_1.getDataSourceToken)(), sync_transactions_1.SyncTransactions],
                useFactory: (dataSource, transactions) => new sync_registry_1.SyncRegistry(dataSource, transactions),
            },
            {
                provide: sync_metrics_1.SyncMetrics,
                inject: [{ token: metrics_service_1.MetricsService, optional: true }, (0, typeorm_1.getDataSourceToken)(), sync_registry_1.SyncRegistry],
                useFactory: (metrics, dataSource, registry) => new sync_metrics_1.SyncMetrics(metrics ?? null, () => outbox_relay_service_1.OutboxRelay.readBacklog(dataSource), () => registry.masterIds),
            },
            {
                provide: outbox_relay_service_1.OutboxRelay,
                inject: [(0, typeorm_1.getDataSourceToken)(), sync_transactions_1.SyncTransactions, bus_constants_1.BUS_CLIENT, sync_metrics_1.SyncMetrics],
                useFactory: (dataSource, transactions, bus, metrics) => new outbox_relay_service_1.OutboxRelay(dataSource, transactions, bus, metrics, {
                    batchSize: settings.sync.relayBatchSize,
                    pollMs: settings.sync.relayPollMs,
                }),
            },
            {
                provide: sync_sender_service_1.SyncSender,
                inject: [sync_registry_1.SyncRegistry],
                useFactory: (registry) => new sync_sender_service_1.SyncSender(registry),
            },
            {
                provide: replica_applier_service_1.ReplicaApplier,
                inject: [sync_registry_1.SyncRegistry, sync_transactions_1.SyncTransactions, sync_metrics_1.SyncMetrics],
                useFactory: (registry, transactions, metrics) => new replica_applier_service_1.ReplicaApplier(registry, transactions, metrics, { batchSize: settings.sync.applyBatchSize }),
            },
            {
                provide: sync_consumer_1.SyncConsumer,
                inject: [replica_applier_service_1.ReplicaApplier, sync_metrics_1.SyncMetrics, { token: sync_consumer_1.SYNC_CLOCK, optional: true }],
                useFactory: (applier, metrics, clock) => new sync_consumer_1.SyncConsumer(applier, metrics, {
                    clock,
                    queue: settings.bus.queue,
                    maxRetries: settings.sync.maxRetries,
                    retryDelayMs: settings.sync.retryDelayMs,
                    deadMessageTtlMs: settings.sync.deadMessageTtlMs,
                    messageTtlSeconds: settings.sync.messageTtlSeconds,
                }),
            },
            prune_sync_job_1.PruneSyncJob,
            {
                provide: SyncLifecycle,
                inject: [settings_1.SETTINGS, sync_registry_1.SyncRegistry, outbox_relay_service_1.OutboxRelay, bus_constants_1.BUS_CLIENT],
                useFactory: (s, registry, relay, bus) => new SyncLifecycle(s, registry, relay, bus),
            },
        ];
        return {
            module: SyncModule_1,
            providers,
            exports: [
                sync_registry_1.SyncRegistry,
                sync_transactions_1.SyncTransactions,
                sync_sender_service_1.SyncSender,
                outbox_relay_service_1.OutboxRelay,
                replica_applier_service_1.ReplicaApplier,
                sync_consumer_1.SyncConsumer,
                sync_metrics_1.SyncMetrics,
            ],
        };
    }
    static forMaster(definition) {
        const token = masterRepositoryToken(definition.entity);
        return {
            module: SyncFeatureModule,
            providers: [
                {
                    provide: token,
                    inject: [sync_registry_1.SyncRegistry],
                    useFactory: (registry) => registry.addMaster(definition),
                },
            ],
            exports: [token],
        };
    }
    static forReplica(definition) {
        const token = `SyncReplica(${'useFactory' in definition ? 'factory' : definition.cqrsId}:${++replicaModules})`;
        return {
            module: SyncFeatureModule,
            providers: [
                {
                    provide: token,
                    inject: [sync_registry_1.SyncRegistry, ...('inject' in definition ? definition.inject : [])],
                    useFactory: (registry, ...deps) => {
                        const resolved = 'useFactory' in definition ? definition.useFactory(...deps) : definition;
                        registry.addReplica(resolved);
                        return resolved;
                    },
                },
            ],
        };
    }
};
exports.SyncModule = SyncModule;
exports.SyncModule = SyncModule = SyncModule_1 = __decorate([
    (0, common_1.Global)(),
    (0, common_1.Module)({})
], SyncModule);
let replicaModules = 0;
let SyncFeatureModule = class SyncFeatureModule {
};
exports.SyncFeatureModule = SyncFeatureModule;
exports.SyncFeatureModule = SyncFeatureModule = __decorate([
    (0, common_1.Module)({})
], SyncFeatureModule);
function connectSync(app, server) {
    const registry = app.get(sync_registry_1.SyncRegistry);
    const settings = app.get(settings_1.SETTINGS);
    const consumer = app.get(sync_consumer_1.SyncConsumer);
    const queue = settings.bus.queue;
    if (registry.replicaIds.length === 0)
        return;
    for (const cqrsId of registry.replicaIds) {
        server.addBinding(sync_constants_1.CQRS_EXCHANGE, (0, sync_constants_1.broadcastRoutingKey)(cqrsId));
        server.addBinding(sync_constants_1.CQRS_EXCHANGE, (0, sync_constants_1.directRoutingKey)(queue, cqrsId));
        server.addQueue({
            name: (0, bus_constants_1.deadLetterQueueName)(queue),
            bindings: [{ exchange: sync_constants_1.CQRS_EXCHANGE, routingKey: (0, sync_constants_1.deadLetterRoutingKey)(queue, cqrsId) }],
        });
        server.addQueue({
            name: (0, sync_constants_1.retryQueueName)(queue, cqrsId),
            arguments: {
                'x-dead-letter-exchange': sync_constants_1.CQRS_EXCHANGE,
                'x-dead-letter-routing-key': (0, sync_constants_1.directRoutingKey)(queue, cqrsId),
            },
        });
    }
    server.addExchangeHandler(sync_constants_1.CQRS_EXCHANGE, (message) => consumer.handle(message));
    server.raisePrefetch(2 * settings.sync.applyBatchSize);
    (0, replica_revisions_bus_1.answerReplicaRevisions)(app, server);
}
