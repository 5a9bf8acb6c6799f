"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.registerSyncRepairCommand = registerSyncRepairCommand;
const sync_constants_1 = require("../../sync/sync.constants");
const sync_diff_service_1 = require("../../sync/sync-diff.service");
const sync_repair_service_1 = require("../../sync/sync-repair.service");
const sync_sender_service_1 = require("../../sync/sync-sender.service");
const sync_diff_command_1 = require("./sync-diff.command");
const sync_options_1 = require("./sync-options");
const sync_progress_1 = require("./sync-progress");
const sync_replica_source_1 = require("./sync-replica-source");
function registerSyncRepairCommand(program, context) {
    (0, sync_replica_source_1.addReplicaSourceOptions)((0, sync_options_1.syncCommand)(program, 'sync:repair')
        .description('diff this master against one replica, then send that replica only what differs: SYNC for missing rows and other revisions, DELETE for rows the master no longer has')
        .argument('<cqrs_id>', 'the entity this service masters, e.g. item'))
        .option('--batch <n>', 'rows per transaction', (0, sync_options_1.wholeNumber)(1, 100_000), 1000)
        .option('--no-publish', "only queue them in the outbox, for the running service's relay to publish")
        .option('--no-progress', 'no progress bars on stderr (there are none when stderr is not a terminal)')
        .option('--json', 'print the diff counts and what was sent as one JSON object')
        .addHelpText('after', '\nEverything goes to cqrs.<queue>.<cqrs_id>, so other replicas see nothing. Run sync:diff again\n' +
        'once the replica has applied it (a second or so) to see 0 differences.\n\n' +
        'Example:\n  npm run cli -- sync:repair item --replica billing')
        .action((cqrsId, options) => (0, sync_options_1.withSyncCli)(context, async (cli) => {
        const report = await (0, sync_diff_command_1.compare)(cli, cqrsId, options);
        const progress = sync_progress_1.Progress.of(options);
        const bar = progress.start('queue repair', (0, sync_diff_service_1.differenceCount)(report));
        const result = await new sync_repair_service_1.SyncRepair(cli.registry, new sync_sender_service_1.SyncSender(cli.registry)).repair(report, options.replica, { batchSize: options.batch, onProgress: (done, total) => bar.update(done, total) });
        bar.stop();
        const queued = result.synced + result.deleted;
        let published = null;
        if (options.publish && cli.hasBroker && queued > 0) {
            const publishing = progress.start('publish', 0);
            published = await cli.publishOutbox((done, total) => publishing.update(done, total));
            publishing.stop();
        }
        const routingKey = (0, sync_constants_1.directRoutingKey)(options.replica, cqrsId);
        if (options.json) {
            const diff = (0, sync_diff_command_1.toJson)(report);
            process.stdout.write(`${JSON.stringify({ cqrsId, replica: options.replica, routingKey, counts: diff.counts, ...result, published })}\n`);
            return;
        }
        const lines = [
            `${cqrsId}: ${(0, sync_diff_service_1.differenceCount)(report)} difference(s) with ${report.replica} ` +
                `(${report.missing.length} missing there, ${report.extra.length} extra there, ${report.revisionDiffers.length} at another revision)`,
            `queued ${result.synced} SYNC and ${result.deleted} DELETE message(s) for ${routingKey}`,
        ];
        if (result.blocked.length > 0)
            lines.push(`not re-sent: ${result.blocked.length} row(s) the replica deleted at a revision at or above the master's (${result.blocked.slice(0, 5).join(', ')}${result.blocked.length > 5 ? ', ...' : ''}); change them on the master to send a newer revision`);
        if (result.reappeared.length > 0)
            lines.push(`not deleted: ${result.reappeared.length} row(s) the master has again since the diff`);
        if (published !== null)
            lines.push(`published ${published} outbox row(s)`);
        else if (queued > 0)
            lines.push(`left them in the outbox: the service's relay publishes them (${cli.hasBroker ? '--no-publish' : 'no AMQP_URL here'})`);
        process.stdout.write(`${lines.join('\n')}\n`);
    }));
}
