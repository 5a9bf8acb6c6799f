"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.addReplicaSourceOptions = addReplicaSourceOptions;
exports.openReplicaSource = openReplicaSource;
const replica_revisions_bus_1 = require("../../sync/replica-revisions.bus");
const replica_revisions_1 = require("../../sync/replica-revisions");
const cli_error_1 = require("../cli-error");
const sync_context_1 = require("./sync-context");
const sync_options_1 = require("./sync-options");
function addReplicaSourceOptions(command) {
    return command
        .requiredOption('--replica <queue>', "the replica service's queue (its SERVICE_NAME)", sync_options_1.queueName)
        .option('--replica-database-url <url>', "read the replica's table directly instead of asking the service over the bus (e.g. a Django replica); a password in the URL is visible in ps, PGPASSWORD works too")
        .option('--replica-table <table>', 'with --replica-database-url: the replica table, e.g. billing_item')
        .option('--replica-pk <column>', 'with --replica-database-url: its pk column', 'id')
        .option('--page <n>', 'rows per page and per request', (0, sync_options_1.wholeNumber)(1, replica_revisions_1.MAX_REVISIONS_PAGE), 1000);
}
async function openReplicaSource(cli, options) {
    if (options.replicaDatabaseUrl === undefined) {
        if (options.replicaTable !== undefined)
            throw new cli_error_1.CliError('--replica-table only goes with --replica-database-url');
        return new replica_revisions_bus_1.BusReplicaRevisions(await cli.bus('sync:diff over the bus'), options.replica);
    }
    if (options.replicaTable === undefined)
        throw new cli_error_1.CliError('--replica-database-url needs --replica-table (the replica table, e.g. billing_item)');
    const database = (0, sync_context_1.parseDatabaseUrl)(options.replicaDatabaseUrl, '--replica-database-url');
    const dataSource = await (0, sync_context_1.openDatabase)(database);
    try {
        const reader = new replica_revisions_1.ReplicaTableReader(dataSource, options.replicaTable, options.replicaPk);
        return new DatabaseReplica(dataSource, reader, `replica ${options.replica} (database)`);
    }
    catch (error) {
        await dataSource.destroy();
        throw error;
    }
}
class DatabaseReplica {
    dataSource;
    reader;
    description;
    constructor(dataSource, reader, description) {
        this.dataSource = dataSource;
        this.reader = reader;
        this.description = description;
    }
    lookup(cqrsId, pks) {
        return this.reader.lookup(cqrsId, pks);
    }
    page(cqrsId, after, limit) {
        return this.reader.page(cqrsId, after, limit);
    }
    async close() {
        await this.dataSource.destroy();
    }
}
