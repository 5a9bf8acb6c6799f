import 'reflect-metadata';
import { DynamicModule, Type } from '@nestjs/common';
import { Command, CommanderError } from 'commander';
import { loadSettings } from '../settings/load-settings';
import { SettingsError } from '../settings/settings-error';
import { SERVICE_VERSION } from '../http/service-info';
import { CliError } from './cli-error';
import { registerBusDlqCommand } from './commands/bus-dlq.command';
import { registerCreateUserCommand } from './commands/createuser.command';
import { registerGenerateCommand } from './commands/generate.command';
import { registerJobsCommands } from './commands/jobs.command';
import { registerKeygenCommand } from './commands/keygen.command';
import { registerMigrateCommands } from './commands/migrate.command';
import { registerRenameCommand } from './commands/rename.command';
import { registerTemplateUpdateCommand } from './commands/template-update.command';
import { registerUserActiveCommands } from './commands/user-active.command';
import { SyncCliExtensions } from './commands/sync-context';
import { registerSyncCommands } from './commands/sync.command';

export interface CliOptions {
  /** Masters and replicas beyond the template's, for the `sync:*` commands. */
  readonly sync?: SyncCliExtensions;
  /** Feature modules added to the app for the commands that boot it (`jobs:*`), as createApp does. */
  readonly modules?: readonly (Type | DynamicModule)[];
}

/**
 * `npm run cli -- <command>`: the same settings as the server, one-line errors, exit codes.
 * `options` extend the app for the commands that need more than the template's own parts.
 */
export function buildProgram(options: CliOptions = {}): Command {
  const program = new Command('cli')
    .description('Operations for this service (same settings as the server)')
    .version(SERVICE_VERSION)
    .showHelpAfterError()
    .exitOverride();
  registerMigrateCommands(program, () => loadSettings());
  registerKeygenCommand(program);
  registerCreateUserCommand(program, () => loadSettings());
  registerUserActiveCommands(program, () => loadSettings());
  registerBusDlqCommand(program, () => loadSettings());
  registerSyncCommands(program, () => loadSettings(), options.sync);
  registerJobsCommands(program, () => loadSettings(), options.modules ?? []);
  registerRenameCommand(program);
  registerTemplateUpdateCommand(program);
  registerGenerateCommand(program);
  return program;
}

export async function runCli(argv: readonly string[], options: CliOptions = {}): Promise<number> {
  try {
    await buildProgram(options).parseAsync(argv, { from: 'user' });
    return Number(process.exitCode ?? 0);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof SettingsError) process.stderr.write(`settings: ${error.message}\n`);
    else if (error instanceof CliError) process.stderr.write(`error: ${error.message}\n`);
    else process.stderr.write(`error: ${(error as Error).message?.split('\n')[0] ?? String(error)}\n`);
    return 1;
  }
}

if (require.main === module) {
  void runCli(process.argv.slice(2)).then((code) => process.exit(code));
}
