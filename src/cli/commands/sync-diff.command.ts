import { Command } from 'commander';
import { differenceCount, DiffPhase, SyncDiff, SyncDiffReport } from '../../sync/sync-diff.service';
import { SyncCli } from './sync-context';
import { SyncCommandContext, syncCommand, wholeNumber, withSyncCli } from './sync-options';
import { Progress } from './sync-progress';
import { addReplicaSourceOptions, openReplicaSource, ReplicaSourceOptions } from './sync-replica-source';

/** `sync:diff` exits with this when it found differences (0: none, 1: it could not compare). */
export const DIFFERENCES_EXIT_CODE = 3;

interface DiffOptions extends ReplicaSourceOptions {
  readonly json?: boolean;
  readonly limit: number;
  readonly progress: boolean;
}

/** `sync:diff <cqrs_id> --replica <queue>`: the master against one replica, by pk and revision. */
export function registerSyncDiffCommand(program: Command, context: SyncCommandContext): void {
  addReplicaSourceOptions(
    syncCommand(program, 'sync:diff')
      .description(
        `compare this master's rows with one replica's by pk and cqrs_revision; exits 0 when they match, ${DIFFERENCES_EXIT_CODE} when they differ, 1 on errors`,
      )
      .argument('<cqrs_id>', 'the entity this service masters, e.g. item'),
  )
    .option('--json', 'print the whole report as one JSON object')
    .option(
      '--limit <n>',
      'rows listed in the table (the counts are always complete)',
      wholeNumber(0, 1_000_000),
      50,
    )
    .option('--no-progress', 'no progress bars on stderr (there are none when stderr is not a terminal)')
    .addHelpText(
      'after',
      `\nThe replica service answers over the bus (sync.revisions.<queue>), so no credentials are needed;\n` +
        `a Django replica does not, so read its table: --replica-database-url postgres://… --replica-table app_item.\n\n` +
        `Example:\n  npm run cli -- sync:diff item --replica billing --json`,
    )
    .action((cqrsId: string, options: DiffOptions) =>
      withSyncCli(context, async (cli) => {
        const report = await compare(cli, cqrsId, options);
        process.stdout.write(
          options.json
            ? `${JSON.stringify(toJson(report))}\n`
            : formatReport(report, options.replica, options.limit),
        );
        if (differenceCount(report) > 0) process.exitCode = DIFFERENCES_EXIT_CODE;
      }),
    );
}

/** Runs the diff with progress bars (one per pass); shared with `sync:repair`. */
export async function compare(
  cli: SyncCli,
  cqrsId: string,
  options: ReplicaSourceOptions & { progress: boolean },
): Promise<SyncDiffReport> {
  cli.master(cqrsId); // an unknown cqrs_id fails before anything is opened
  const source = await openReplicaSource(cli, options);
  const progress = Progress.of(options);
  let phase: DiffPhase = 'master';
  let bar = progress.start('master rows', 0);
  try {
    return await new SyncDiff(cli.registry).compare(cqrsId, source, {
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
  } finally {
    bar.stop();
    await source.close();
  }
}

export function toJson(report: SyncDiffReport): Record<string, unknown> {
  return {
    cqrsId: report.cqrsId,
    replica: report.replica,
    masterRows: report.masterRows,
    replicaRows: report.replicaRows,
    counts: {
      missingOnReplica: report.missing.length,
      extraOnReplica: report.extra.length,
      revisionDiffers: report.revisionDiffers.length,
      total: differenceCount(report),
    },
    missingOnReplica: report.missing,
    extraOnReplica: report.extra,
    revisionDiffers: report.revisionDiffers,
  };
}

/** The human report: the counts, then up to `limit` rows as a table. */
export function formatReport(report: SyncDiffReport, queue: string, limit: number): string {
  const lines = [
    `${report.cqrsId}: this master (${report.masterRows} rows) against ${report.replica} (${report.replicaRows} rows)`,
    '',
    ...table([
      ['difference', 'count'],
      ['missing on replica', String(report.missing.length)],
      ['extra on replica', String(report.extra.length)],
      ['revision differs', String(report.revisionDiffers.length)],
      ['total', String(differenceCount(report))],
    ]),
  ];
  const rows: string[][] = [
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
    if (rows.length > limit) lines.push(`... and ${rows.length - limit} more (--json lists every one)`);
  }
  if (rows.length > 0)
    lines.push('', `repair: npm run cli -- sync:repair ${report.cqrsId} --replica ${queue}`);
  return `${lines.join('\n')}\n`;
}

function table(rows: readonly string[][]): string[] {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column]))
      .join('  ')
      .trimEnd(),
  );
}
