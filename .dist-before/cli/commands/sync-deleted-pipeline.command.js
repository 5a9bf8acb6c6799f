"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.registerSyncDeletedPipelineCommands = registerSyncDeletedPipelineCommands;
const master_rows_1 = require("../../sync/master-rows");
const replica_deletes_1 = require("../../sync/replica-deletes");
const sync_diff_stream_1 = require("../../sync/sync-diff-stream");
const cli_error_1 = require("../cli-error");
const sync_options_1 = require("./sync-options");
function registerSyncDeletedPipelineCommands(program, context) {
    (0, sync_options_1.syncCommand)(program, 'sync:deleted-diff-replica')
        .description('replica side (cqrs_deleted_diff_replica): line 1 "<cqrs_id>,<now>", then every replica pk, one [pk, …] per batch')
        .argument('<cqrs_id>', 'the entity this service replicates, e.g. user')
        .option('--batch <n>', 'pks per line', (0, sync_options_1.wholeNumber)(1, 1_000_000), 10_000)
        .action((cqrsId, options) => (0, sync_options_1.withSyncCli)(context, async (cli) => {
        const reader = cli.replicaReader(cqrsId);
        const first = await reader.page(cqrsId, null, 1);
        if (first.rows.length === 0) {
            process.stderr.write('No objects found for filter!\n');
            return;
        }
        for await (const line of (0, sync_diff_stream_1.replicaPkLines)(cqrsId, reader, options.batch, new Date()))
            await (0, sync_options_1.writeLine)(line);
    }));
    (0, sync_options_1.syncCommand)(program, 'sync:deleted-diff-master')
        .description("master side (cqrs_deleted_diff_master): reads a replica's pks on stdin, writes line 1 again, then the [pk, …] this master no longer has")
        .action(() => (0, sync_options_1.withSyncCli)(context, async (cli) => {
        const lines = (0, sync_options_1.readLines)();
        const header = (await lines.next()).value;
        const { cqrsId } = (0, sync_diff_stream_1.parseDiffHeader)(header);
        const master = cli.master(cqrsId);
        await (0, sync_options_1.writeLine)((header ?? '').trim());
        const rows = new master_rows_1.MasterRows(master.master, cli.transactions);
        const onAbsent = (pks) => process.stderr.write(`PK to delete: ${(0, sync_diff_stream_1.pythonListRepr)(pks)}\n`);
        for await (const line of (0, sync_diff_stream_1.absentOnMasterLines)({ [Symbol.asyncIterator]: () => lines }, rows, onAbsent))
            await (0, sync_options_1.writeLine)(line);
    }));
    (0, sync_options_1.syncCommand)(program, 'sync:deleted-sync-replica')
        .description("replica side again (cqrs_deleted_sync_replica): deletes the rows listed on stdin, each with a tombstone; the app's replica hooks do not run")
        .action(() => (0, sync_options_1.withSyncCli)(context, async (cli) => {
        const lines = (0, sync_options_1.readLines)();
        const { cqrsId } = (0, sync_diff_stream_1.parseDiffHeader)((await lines.next()).value);
        cli.replicaReader(cqrsId);
        const definition = cli.registry.replica(cqrsId);
        if (!definition)
            throw new cli_error_1.CliError(`this service has no replica of cqrs_id "${cqrsId}"`);
        let deleted = 0;
        for await (const line of { [Symbol.asyncIterator]: () => lines }) {
            if (line.trim() === '')
                continue;
            deleted += await (0, replica_deletes_1.deleteReplicaRows)(cli.transactions, definition, (0, sync_diff_stream_1.parsePkPackage)(line));
        }
        process.stdout.write(`deleted ${deleted} row(s) of ${cqrsId}, each with a tombstone\n`);
    }));
}
