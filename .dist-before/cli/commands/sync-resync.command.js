"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.registerSyncResyncCommand = registerSyncResyncCommand;
const sync_constants_1 = require("../../sync/sync.constants");
const sync_filter_1 = require("../../sync/sync-filter");
const sync_sender_service_1 = require("../../sync/sync-sender.service");
const sync_options_1 = require("./sync-options");
const sync_progress_1 = require("./sync-progress");
function registerSyncResyncCommand(program, context) {
    (0, sync_options_1.syncCommand)(program, 'sync:resync')
        .description('queue every row (or the --filter rows) of a master entity as SYNC for every replica or one queue, then publish them')
        .argument('<cqrs_id>', 'the entity this service masters, e.g. item')
        .option('--filter <json>', 'Django lookups of the rows to send: {"id__in":[1,2]}, {"field":value}, field__in, field__gt/gte/lt/lte')
        .option('--queue <queue>', 'only this replica service (routing key cqrs.<queue>.<cqrs_id>); default every replica', sync_options_1.queueName)
        .option('--batch <n>', 'rows per transaction', (0, sync_options_1.wholeNumber)(1, 100_000), 1000)
        .option('--no-publish', "only queue them in the outbox, for the running service's relay to publish")
        .option('--no-progress', 'no progress bars on stderr (there are none when stderr is not a terminal)')
        .option('--json', 'print the counts as one JSON object')
        .addHelpText('after', '\nExamples:\n  npm run cli -- sync:resync item\n  npm run cli -- sync:resync item --queue billing --filter \'{"id__in":["3f2a…"]}\'')
        .action((cqrsId, options) => (0, sync_options_1.withSyncCli)(context, (cli) => resync(cli, cqrsId, options)));
}
async function resync(cli, cqrsId, options) {
    const master = cli.master(cqrsId);
    const where = options.filter === undefined ? undefined : (0, sync_filter_1.parseSyncFilter)(options.filter, master.master.metadata);
    const queue = options.queue ?? null;
    const progress = sync_progress_1.Progress.of(options);
    const bar = progress.start('queue SYNC', 0);
    const queued = await new sync_sender_service_1.SyncSender(cli.registry).resync(cqrsId, {
        where,
        queue,
        batchSize: options.batch,
        onProgress: (done, total) => bar.update(done, total),
    });
    bar.stop();
    const isPublishing = options.publish && cli.hasBroker && queued > 0;
    let published = null;
    if (isPublishing) {
        const publishing = progress.start('publish', 0);
        published = await cli.publishOutbox((done, total) => publishing.update(done, total));
        publishing.stop();
    }
    const routingKey = queue === null ? (0, sync_constants_1.broadcastRoutingKey)(cqrsId) : (0, sync_constants_1.directRoutingKey)(queue, cqrsId);
    if (options.json) {
        process.stdout.write(`${JSON.stringify({ cqrsId, queue, routingKey, queued, published })}\n`);
        return;
    }
    const to = queue === null ? 'every replica' : `queue ${queue}`;
    process.stdout.write(`queued ${queued} SYNC message(s) of ${cqrsId} for ${to} (routing key ${routingKey})\n`);
    if (published !== null)
        process.stdout.write(`published ${published} outbox row(s)\n`);
    else if (queued > 0)
        process.stdout.write(`left them in the outbox: the service's relay publishes them (${cli.hasBroker ? '--no-publish' : 'no AMQP_URL here'})\n`);
}
