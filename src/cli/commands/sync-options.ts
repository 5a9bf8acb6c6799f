import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { Logger } from '@nestjs/common';
import { Command, InvalidArgumentError } from 'commander';
import { QueryFailedError } from 'typeorm';
import { describeError } from '../../bus/bus.errors';
import { Settings } from '../../settings/settings';
import { InvalidRevisionsRequestError, ReplicaUnreachableError } from '../../sync/replica-revisions.bus';
import { InvalidIdentifierError } from '../../sync/replica-revisions';
import { DiffStreamError } from '../../sync/sync-diff-stream';
import { SyncFilterError } from '../../sync/sync-filter';
import { SyncRegistrationError } from '../../sync/sync.registry';
import { CliError } from '../cli-error';
import { CliLogger, SyncCli, SyncCliExtensions } from './sync-context';

/** Shared by the `sync:*` commands: how they open the service, parse options and fail. */
export interface SyncCommandContext {
  readonly loadSettings: () => Settings;
  readonly extensions: SyncCliExtensions;
}

/** The common tail of every `sync:*` command: one-line usage errors (DESIGN.md "CLI"). */
export function syncCommand(program: Command, name: string): Command {
  return program.command(name).showHelpAfterError(false);
}

/** Opens the service's database and registry, runs `work`, closes, and turns known failures into one line. */
export async function withSyncCli(
  context: SyncCommandContext,
  work: (cli: SyncCli) => Promise<void>,
): Promise<void> {
  const settings = context.loadSettings();
  Logger.overrideLogger(new CliLogger(settings.logLevel === 'debug' || settings.logLevel === 'trace'));
  const cli = await SyncCli.open(settings, context.extensions);
  // A pipe whose reader quit (`| head`): one line and exit 1, not an unhandled EPIPE stack trace.
  const onStdoutError = (error: NodeJS.ErrnoException) => {
    process.stderr.write(`error: cannot write to standard output (${error.code ?? error.message})\n`);
    process.exit(1);
  };
  process.stdout.once('error', onStdoutError);
  try {
    await work(cli);
  } catch (error) {
    throw toCliError(error);
  } finally {
    process.stdout.off('error', onStdoutError);
    await cli.close();
  }
}

function toCliError(error: unknown): unknown {
  if (error instanceof CliError) return error;
  if (
    error instanceof SyncFilterError ||
    error instanceof SyncRegistrationError ||
    error instanceof DiffStreamError ||
    error instanceof ReplicaUnreachableError ||
    error instanceof InvalidIdentifierError ||
    error instanceof InvalidRevisionsRequestError
  )
    return new CliError(error.message);
  if (error instanceof QueryFailedError)
    return new CliError(`the database refused a query: ${error.message}`);
  const text = describeError(error);
  if (/ECONNREFUSED|ENOTFOUND|ETIMEDOUT|ACCESS_REFUSED/.test(text))
    return new CliError(`cannot reach the broker at AMQP_URL (${text.split('\n')[0]})`);
  return error;
}

export function wholeNumber(min: number, max: number): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max)
      throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}`);
    return Number(value);
  };
}

/** A replica service's queue name as it appears in `cqrs.<queue>.<cqrs_id>`. */
export function queueName(value: string): string {
  if (!/^[A-Za-z0-9_.:-]{1,200}$/.test(value))
    throw new InvalidArgumentError('must be a queue name: letters, digits, "_", ".", ":" or "-"');
  return value;
}

const DURATION_UNITS: Record<string, number> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** `90s`, `30m`, `12h`, `7d`, `2w`; a bare number is seconds, like the duration settings. */
export function duration(value: string): number {
  const match = /^(\d+)\s*([smhdw])?$/i.exec(value.trim());
  if (!match) throw new InvalidArgumentError('must be a duration such as 90s, 30m, 12h, 7d or 2w');
  return Number(match[1]) * DURATION_UNITS[(match[2] ?? 's').toLowerCase()];
}

/** `7d 1h`, `1d 0h 1m`: a duration back in words a reader can compare with what they typed. */
export function formatDuration(ms: number): string {
  const parts: string[] = [];
  let rest = Math.round(ms / 1000);
  for (const [unit, seconds] of [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    const count = Math.floor(rest / seconds);
    rest -= count * seconds;
    if (count > 0) parts.push(`${count}${unit}`);
  }
  return parts.length > 0 ? parts.join(' ') : '0s';
}

/** Writes one line to stdout, waiting when the reader (a pipe) is behind. */
export async function writeLine(line: string): Promise<void> {
  if (!process.stdout.write(`${line}\n`)) await once(process.stdout, 'drain');
}

/** stdin as lines (a Django peer may end them with \r\n). */
export function readLines(): AsyncIterator<string> {
  return createInterface({ input: process.stdin, crlfDelay: Infinity })[Symbol.asyncIterator]();
}
