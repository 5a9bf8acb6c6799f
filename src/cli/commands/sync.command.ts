import { Command } from 'commander';
import { Settings } from '../../settings/settings';
import { registerSyncCleanupCommand } from './sync-cleanup.command';
import { registerSyncDeletedPipelineCommands } from './sync-deleted-pipeline.command';
import { SyncCliExtensions } from './sync-context';
import { registerSyncDiffCommand } from './sync-diff.command';
import { registerSyncPipelineCommands } from './sync-pipeline.command';
import { registerSyncRepairCommand } from './sync-repair.command';
import { registerSyncResyncCommand } from './sync-resync.command';

/** Every `sync:*` command (data sync, django-cqrs compatible; README "Data sync"). */
export function registerSyncCommands(
  program: Command,
  loadSettings: () => Settings,
  extensions: SyncCliExtensions = {},
): void {
  const context = { loadSettings, extensions };
  registerSyncResyncCommand(program, context);
  registerSyncDiffCommand(program, context);
  registerSyncRepairCommand(program, context);
  registerSyncPipelineCommands(program, context);
  registerSyncDeletedPipelineCommands(program, context);
  registerSyncCleanupCommand(program, context);
}
