"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.CliLogger = exports.SyncCli = void 0;
exports.parseDatabaseUrl = parseDatabaseUrl;
exports.openDatabase = openDatabase;
const user_entity_1 = require("../../auth/user.entity");
const bus_module_1 = require("../../bus/bus.module");
const bus_metrics_1 = require("../../bus/bus.metrics");
const data_source_1 = require("../../database/data-source");
const item_entity_1 = require("../../items/item.entity");
const item_sync_1 = require("../../items/item.sync");
const outbox_relay_service_1 = require("../../sync/outbox-relay.service");
const replica_revisions_1 = require("../../sync/replica-revisions");
const sync_constants_1 = require("../../sync/sync.constants");
const sync_metrics_1 = require("../../sync/sync.metrics");
const sync_registry_1 = require("../../sync/sync.registry");
const sync_transactions_1 = require("../../sync/sync-transactions");
const synced_user_entity_1 = require("../../users/synced-user.entity");
const user_sync_1 = require("../../users/user-sync");
const cli_error_1 = require("../cli-error");
function registerTemplateSync(settings, registry) {
    registry.addMaster(item_sync_1.ITEM_MASTER);
    if (settings.jwtSignKey !== false)
        registry.addMaster(user_sync_1.USER_MASTER);
    else
        registry.addReplica({ cqrsId: user_sync_1.USER_CQRS_ID, entity: synced_user_entity_1.SyncedUser });
}
const TEMPLATE_ENTITIES = [item_entity_1.Item, user_entity_1.User, synced_user_entity_1.SyncedUser];
class SyncCli {
    settings;
    dataSource;
    transactions;
    registry;
    busClient = null;
    constructor(settings, dataSource, transactions, registry) {
        this.settings = settings;
        this.dataSource = dataSource;
        this.transactions = transactions;
        this.registry = registry;
    }
    static async open(settings, extensions = {}) {
        const entities = [...TEMPLATE_ENTITIES, ...(extensions.entities ?? [])];
        const dataSource = await openDatabase(settings.database, entities);
        try {
            const runner = dataSource.createQueryRunner();
            const isMigrated = await runner.hasTable(sync_constants_1.TABLES.outbox).finally(() => runner.release());
            if (!isMigrated)
                throw new cli_error_1.CliError('the sync tables do not exist: run `npm run cli -- migrate` first');
            const transactions = new sync_transactions_1.SyncTransactions(dataSource);
            const registry = new sync_registry_1.SyncRegistry(dataSource, transactions);
            registerTemplateSync(settings, registry);
            extensions.register?.(registry);
            return new SyncCli(settings, dataSource, transactions, registry);
        }
        catch (error) {
            await dataSource.destroy();
            throw error;
        }
    }
    master(cqrsId) {
        try {
            return this.registry.master(cqrsId);
        }
        catch (error) {
            if (!(error instanceof sync_registry_1.SyncRegistrationError))
                throw error;
            const known = this.registry.masterIds;
            throw new cli_error_1.CliError(`this service is not the master of cqrs_id "${cqrsId}" (${known.length ? `it masters: ${known.join(', ')}` : 'it masters nothing'})`);
        }
    }
    replicaReader(cqrsId) {
        const definition = this.registry.replica(cqrsId);
        if (!definition) {
            const known = this.registry.replicaIds;
            throw new cli_error_1.CliError(`this service has no replica of cqrs_id "${cqrsId}" (${known.length ? `it replicates: ${known.join(', ')}` : 'it replicates nothing'})`);
        }
        const metadata = this.dataSource.getMetadata(definition.entity);
        return new replica_revisions_1.ReplicaTableReader(this.dataSource, metadata.tablePath, metadata.primaryColumns[0].databaseName);
    }
    get hasBroker() {
        return this.settings.amqpUrl !== null;
    }
    async bus(what) {
        if (!this.settings.amqpUrl)
            throw new cli_error_1.CliError(`${what} needs AMQP_URL: without a broker there is nothing to reach other services with`);
        if (!this.busClient) {
            this.busClient = (0, bus_module_1.createBusClient)(this.settings, null, new bus_metrics_1.BusMetrics(null));
            await this.busClient.declareExchange(sync_constants_1.CQRS_EXCHANGE);
            await this.busClient.connect();
        }
        return this.busClient;
    }
    async publishOutbox(onProgress) {
        const bus = await this.bus('publishing the outbox');
        const metrics = new sync_metrics_1.SyncMetrics(null, () => outbox_relay_service_1.OutboxRelay.readBacklog(this.dataSource));
        const relay = new outbox_relay_service_1.OutboxRelay(this.dataSource, this.transactions, bus, metrics, {
            batchSize: this.settings.sync.relayBatchSize,
        });
        const backlog = await outbox_relay_service_1.OutboxRelay.readBacklog(this.dataSource);
        let total = backlog.reduce((sum, entry) => sum + entry.depth, 0);
        let done = 0;
        onProgress?.(0, total);
        for (let published = -1; published !== 0;) {
            published = await relay.publishPending();
            done += published;
            total = Math.max(total, done);
            onProgress?.(done, total);
        }
        return done;
    }
    async close() {
        try {
            await this.busClient?.close();
        }
        finally {
            await this.dataSource.destroy();
        }
    }
}
exports.SyncCli = SyncCli;
function parseDatabaseUrl(value, option) {
    if (value.startsWith('sqlite:///') && value.length > 'sqlite:///'.length)
        return { type: 'sqlite', path: value.slice('sqlite:///'.length) };
    if (/^postgres(ql)?:\/\/[^/]+\/[^/]+/.test(value))
        return { type: 'postgres', url: value };
    throw new cli_error_1.CliError(`${option} must look like postgres://user@host:5432/db or sqlite:///path/db.sqlite3`);
}
async function openDatabase(database, entities = []) {
    try {
        return await (0, data_source_1.createDataSource)({ database, debug: false }, entities).initialize();
    }
    catch (error) {
        const where = database.type === 'postgres' ? 'PostgreSQL' : `SQLite file ${database.path}`;
        throw new cli_error_1.CliError(`cannot open the database (${where}): ${error.message.split('\n')[0]}`);
    }
}
class CliLogger {
    isVerbose;
    constructor(isVerbose) {
        this.isVerbose = isVerbose;
    }
    log(message) {
        if (this.isVerbose)
            process.stderr.write(`${String(message)}\n`);
    }
    warn(message) {
        process.stderr.write(`warning: ${String(message)}\n`);
    }
    error(message) {
        process.stderr.write(`error: ${String(message)}\n`);
    }
}
exports.CliLogger = CliLogger;
