"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.DIFFERENCES_EXIT_CODE = void 0;
exports.registerSyncDiffCommand = registerSyncDiffCommand;
exports.compare = compare;
exports.toJson = toJson;
exports.formatReport = formatReport;
const sync_diff_service_1 = require("../../sync/sync-diff.service");
const sync_options_1 = require("./sync-options");
const sync_progress_1 = require("./sync-progress");
const sync_replica_source_1 = require("./sync-replica-source");
exports.DIFFERENCES_EXIT_CODE = 3;
function registerSyncDiffCommand(program, context) {
    (0, sync_replica_source_1.addReplicaSourceOptions)((0, sync_options_1.syncCommand)(program, 'sync:diff')
        .description(`compare this master's rows with one replica's by pk and cqrs_revision; exits 0 when they match, ${exports.DIFFERENCES_EXIT_CODE} when they differ, 1 on errors`)
        .argument('<cqrs_id>', 'the entity this service masters, e.g. item'))
        .option('--json', 'print the whole report as one JSON object')
        .option('--limit <n>', 'rows listed in the table (the counts are always complete)', (0, sync_options_1.wholeNumber)(0, 1_000_000), 50)
        .option('--no-progress', 'no progress bars on stderr (there are none when stderr is not a terminal)')
        .addHelpText('after', `\nThe replica service answers over the bus (sync.revisions.<queue>), so no credentials are needed;\n` +
        `a Django replica does not, so read its table: --replica-database-url postgres://… --replica-table app_item.\n\n` +
        `Example:\n  npm run cli -- sync:diff item --replica billing --json`)
        .action((cqrsId, options) => (0, sync_options_1.withSyncCli)(context, async (cli) => {
        const report = await compare(cli, cqrsId, options);
        process.stdout.write(options.json
            ? `${JSON.stringify(toJson(report))}\n`
            : formatReport(report, options.replica, options.limit));
        if ((0, sync_diff_service_1.differenceCount)(report) > 0)
            process.exitCode = exports.DIFFERENCES_EXIT_CODE;
    }));
}
async function compare(cli, cqrsId, options) {
    cli.master(cqrsId);
    const source = await (0, sync_replica_source_1.openReplicaSource)(cli, options);
    const progress = sync_progress_1.Progress.of(options);
    let phase = 'master';
    let bar = progress.start('master rows', 0);
    try {
        return await new sync_diff_service_1.SyncDiff(cli.registry).compare(cqrsId, source, {
            pageSize: options.page,
            onProgress: (now, done, total) => {
                if (now !== phase) {
                    bar.stop();
                    bar = progress.start('replica rows', total);
                    phase = now;
                }
                bar.update(done, total);
            },
        });
    }
    finally {
        bar.stop();
        await source.close();
    }
}
function toJson(report) {
    return {
        cqrsId: report.cqrsId,
        replica: report.replica,
        masterRows: report.masterRows,
        replicaRows: report.replicaRows,
        counts: {
            missingOnReplica: report.missing.length,
            extraOnReplica: report.extra.length,
            revisionDiffers: report.revisionDiffers.length,
            total: (0, sync_diff_service_1.differenceCount)(report),
        },
        missingOnReplica: report.missing,
        extraOnReplica: report.extra,
        revisionDiffers: report.revisionDiffers,
    };
}
function formatReport(report, queue, limit) {
    const lines = [
        `${report.cqrsId}: this master (${report.masterRows} rows) against ${report.replica} (${report.replicaRows} rows)`,
        '',
        ...table([
            ['difference', 'count'],
            ['missing on replica', String(report.missing.length)],
            ['extra on replica', String(report.extra.length)],
            ['revision differs', String(report.revisionDiffers.length)],
            ['total', String((0, sync_diff_service_1.differenceCount)(report))],
        ]),
    ];
    const rows = [
        ...report.missing.map((row) => [
            'missing on replica',
            String(row.pk),
            String(row.masterRevision),
            row.replicaTombstone === null ? '-' : `deleted at ${row.replicaTombstone}`,
        ]),
        ...report.extra.map((row) => ['extra on replica', String(row.pk), '-', String(row.replicaRevision)]),
        ...report.revisionDiffers.map((row) => [
            'revision differs',
            String(row.pk),
            String(row.masterRevision),
            String(row.replicaRevision),
        ]),
    ];
    if (rows.length > 0 && limit > 0) {
        lines.push('', ...table([['difference', 'pk', 'master rev', 'replica rev'], ...rows.slice(0, limit)]));
        if (rows.length > limit)
            lines.push(`... and ${rows.length - limit} more (--json lists every one)`);
    }
    if (rows.length > 0)
        lines.push('', `repair: npm run cli -- sync:repair ${report.cqrsId} --replica ${queue}`);
    return `${lines.join('\n')}\n`;
}
function table(rows) {
    const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
    return rows.map((row) => row
        .map((cell, column) => cell.padEnd(widths[column]))
        .join('  ')
        .trimEnd());
}
