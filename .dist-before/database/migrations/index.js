"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.MIGRATIONS = void 0;
const _1764100000000_create_items_1 = require("./1764100000000-create-items");
const _1764200000000_create_users_1 = require("./1764200000000-create-users");
const _1764300000000_create_sync_tables_1 = require("./1764300000000-create-sync-tables");
const _1764300000001_add_sync_columns_1 = require("./1764300000001-add-sync-columns");
const _1764600000000_create_login_attempts_1 = require("./1764600000000-create-login-attempts");
const _1764610000000_create_refresh_token_families_1 = require("./1764610000000-create-refresh-token-families");
const _1764700000000_create_job_runs_1 = require("./1764700000000-create-job-runs");
const _1764710000000_index_refresh_token_expiry_1 = require("./1764710000000-index-refresh-token-expiry");
const _1764800000000_notify_outbox_after_commit_1 = require("./1764800000000-notify-outbox-after-commit");
exports.MIGRATIONS = [
    _1764100000000_create_items_1.CreateItems1764100000000,
    _1764200000000_create_users_1.CreateUsers1764200000000,
    _1764300000000_create_sync_tables_1.CreateSyncTables1764300000000,
    _1764300000001_add_sync_columns_1.AddSyncColumns1764300000001,
    _1764600000000_create_login_attempts_1.CreateLoginAttempts1764600000000,
    _1764610000000_create_refresh_token_families_1.CreateRefreshTokenFamilies1764610000000,
    _1764700000000_create_job_runs_1.CreateJobRuns1764700000000,
    _1764710000000_index_refresh_token_expiry_1.IndexRefreshTokenExpiry1764710000000,
    _1764800000000_notify_outbox_after_commit_1.NotifyOutboxAfterCommit1764800000000,
];
