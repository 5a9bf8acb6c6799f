"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.registerSyncCleanupCommand = registerSyncCleanupCommand;
const sync_cleanup_service_1 = require("../../sync/sync-cleanup.service");
const sync_options_1 = require("./sync-options");
const sync_progress_1 = require("./sync-progress");
const LABELS = {
    outbox: 'sent outbox row(s)',
    inbox: 'inbox row(s)',
    tombstones: 'tombstone(s)',
};
function registerSyncCleanupCommand(program, context) {
    (0, sync_options_1.syncCommand)(program, 'sync:cleanup')
        .description('delete sent outbox rows, inbox rows and tombstones older than the window; inbox rows and tombstones are kept at least SYNC_MESSAGE_TTL + the retry budget')
        .option('--older-than <duration>', 'the window: 90s, 30m, 12h, 7d, 2w (default: SYNC_RETENTION, 7d)', sync_options_1.duration)
        .option('--no-progress', 'no progress bars on stderr (there are none when stderr is not a terminal)')
        .option('--json', 'print the counts as one JSON object')
        .addHelpText('after', '\nWhy tombstones stay at least SYNC_MESSAGE_TTL + retries: until then a late SAVE of a deleted row\n' +
        'can still arrive, and only the tombstone stops it from bringing the row back.\n\n' +
        'Example:\n  npm run cli -- sync:cleanup --older-than 14d')
        .action((options) => (0, sync_options_1.withSyncCli)(context, async (cli) => {
        const progress = sync_progress_1.Progress.of(options);
        let bar = null;
        let current = null;
        const olderThan = options.olderThan ?? cli.settings.sync.retentionSeconds * 1000;
        const result = await new sync_cleanup_service_1.SyncCleanup(cli.dataSource, cli.settings.sync)
            .prune(olderThan, {
            onProgress: (table, done, total) => {
                if (table !== current) {
                    bar?.stop();
                    bar = progress.start(table, total);
                    current = table;
                }
                bar?.update(done, total);
            },
        })
            .finally(() => bar?.stop());
        if (options.json) {
            process.stdout.write(`${JSON.stringify({ olderThanMs: olderThan, ...result })}\n`);
            return;
        }
        const minimum = result.minimumRetentionMs;
        const lines = Object.keys(LABELS).map((table) => {
            if (result.cutoffs[table] === null)
                return `kept all ${LABELS[table].replace('(s)', 's')}: SYNC_MESSAGE_TTL is none, so a message never expires`;
            const isRaised = table !== 'outbox' && minimum !== null && minimum > olderThan;
            const window = isRaised
                ? `${(0, sync_options_1.formatDuration)(minimum)} (the minimum: SYNC_MESSAGE_TTL + retries)`
                : (0, sync_options_1.formatDuration)(olderThan);
            return `deleted ${result.deleted[table]} ${LABELS[table]} older than ${window}`;
        });
        process.stdout.write(`${lines.join('\n')}\n`);
    }));
}
