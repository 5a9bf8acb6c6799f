"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.registerSyncCommands = registerSyncCommands;
const sync_cleanup_command_1 = require("./sync-cleanup.command");
const sync_deleted_pipeline_command_1 = require("./sync-deleted-pipeline.command");
const sync_diff_command_1 = require("./sync-diff.command");
const sync_pipeline_command_1 = require("./sync-pipeline.command");
const sync_repair_command_1 = require("./sync-repair.command");
const sync_resync_command_1 = require("./sync-resync.command");
function registerSyncCommands(program, loadSettings, extensions = {}) {
    const context = { loadSettings, extensions };
    (0, sync_resync_command_1.registerSyncResyncCommand)(program, context);
    (0, sync_diff_command_1.registerSyncDiffCommand)(program, context);
    (0, sync_repair_command_1.registerSyncRepairCommand)(program, context);
    (0, sync_pipeline_command_1.registerSyncPipelineCommands)(program, context);
    (0, sync_deleted_pipeline_command_1.registerSyncDeletedPipelineCommands)(program, context);
    (0, sync_cleanup_command_1.registerSyncCleanupCommand)(program, context);
}
