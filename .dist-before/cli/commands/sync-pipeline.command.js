"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.registerSyncPipelineCommands = registerSyncPipelineCommands;
const typeorm_1 = require("typeorm");
const master_rows_1 = require("../../sync/master-rows");
const sync_diff_stream_1 = require("../../sync/sync-diff-stream");
const sync_filter_1 = require("../../sync/sync-filter");
const sync_sender_service_1 = require("../../sync/sync-sender.service");
const sync_options_1 = require("./sync-options");
function registerSyncPipelineCommands(program, context) {
    (0, sync_options_1.syncCommand)(program, 'sync:diff-master')
        .description('master side of the django-cqrs diff pipe (cqrs_diff_master): line 1 "<cqrs_id>,<now>", then one [[pk, revision], …] per batch')
        .argument('<cqrs_id>', 'the entity this service masters, e.g. item')
        .option('--filter <json>', 'Django lookups of the rows to compare, e.g. {"id__in":[1,2]}')
        .option('--batch <n>', 'pairs per line', (0, sync_options_1.wholeNumber)(1, 1_000_000), 10_000)
        .addHelpText('after', '\nExample (a Django replica at the other end):\n  npm run cli -- sync:diff-master item | ssh replica ./manage.py cqrs_diff_replica')
        .action((cqrsId, options) => (0, sync_options_1.withSyncCli)(context, async (cli) => {
        const master = cli.master(cqrsId);
        const where = options.filter === undefined ? undefined : (0, sync_filter_1.parseSyncFilter)(options.filter, master.master.metadata);
        const rows = new master_rows_1.MasterRows(master.master, cli.transactions);
        if ((await rows.count(where)) === 0) {
            process.stderr.write('No objects found for filter!\n');
            return;
        }
        for await (const line of (0, sync_diff_stream_1.masterDiffLines)(master.master, rows, where, options.batch, new Date()))
            await (0, sync_options_1.writeLine)(line);
    }));
    (0, sync_options_1.syncCommand)(program, 'sync:diff-replica')
        .description('replica side (cqrs_diff_replica): reads a master\'s diff on stdin, writes line 1 + ",<queue>", then the [pk, …] lists to re-send')
        .addHelpText('after', '\nExample:\n  ssh master ./manage.py cqrs_diff_master --cqrs-id item | npm run cli -- sync:diff-replica')
        .action(() => (0, sync_options_1.withSyncCli)(context, async (cli) => {
        const lines = (0, sync_options_1.readLines)();
        const header = (await lines.next()).value;
        const { cqrsId } = (0, sync_diff_stream_1.parseDiffHeader)(header);
        const reader = cli.replicaReader(cqrsId);
        await (0, sync_options_1.writeLine)((0, sync_diff_stream_1.replicaDiffHeader)(header ?? '', cli.settings.bus.queue));
        const rest = { [Symbol.asyncIterator]: () => lines };
        const onDiffering = (pks) => process.stderr.write(`PK to resync: ${(0, sync_diff_stream_1.pythonSetRepr)(pks)}\n`);
        for await (const line of (0, sync_diff_stream_1.replicaDiffLines)(rest, cqrsId, reader, onDiffering))
            await (0, sync_options_1.writeLine)(line);
    }));
    (0, sync_options_1.syncCommand)(program, 'sync:diff-sync')
        .description("master side again (cqrs_diff_sync): reads the replica's lists on stdin and sends those rows as SYNC to its queue (None: every replica)")
        .option('--batch <n>', 'rows per transaction', (0, sync_options_1.wholeNumber)(1, 100_000), 1000)
        .option('--no-publish', "only queue them in the outbox, for the running service's relay to publish")
        .addHelpText('after', '\nExample:\n  ssh replica ./manage.py cqrs_diff_replica < diff.txt | npm run cli -- sync:diff-sync')
        .action((options) => (0, sync_options_1.withSyncCli)(context, async (cli) => {
        const lines = (0, sync_options_1.readLines)();
        const { cqrsId, queue } = (0, sync_diff_stream_1.parseDiffHeader)((await lines.next()).value);
        const master = cli.master(cqrsId);
        const sender = new sync_sender_service_1.SyncSender(cli.registry);
        let queued = 0;
        for await (const line of { [Symbol.asyncIterator]: () => lines }) {
            if (line.trim() === '')
                continue;
            const pks = (0, sync_diff_stream_1.parsePkPackage)(line);
            if (pks.length === 0)
                continue;
            queued += await sender.resync(cqrsId, {
                where: { [master.master.pkProperty]: (0, typeorm_1.In)(pks) },
                queue,
                batchSize: options.batch,
            });
        }
        const published = options.publish && cli.hasBroker && queued > 0 ? await cli.publishOutbox() : null;
        const to = queue === null ? 'every replica' : `queue ${queue}`;
        process.stdout.write(`queued ${queued} SYNC message(s) of ${cqrsId} for ${to}${published === null ? '' : `; published ${published} outbox row(s)`}\n`);
    }));
}
