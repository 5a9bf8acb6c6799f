"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.parseSyncSettings = parseSyncSettings;
function parseSyncSettings(env) {
    return Object.freeze({
        maxRetries: isNone(env, 'SYNC_MAX_RETRIES')
            ? null
            : env.integer('SYNC_MAX_RETRIES', 30, { min: 0, max: 1_000_000 }),
        retryDelayMs: env.milliseconds('SYNC_RETRY_DELAY', 2_000, { min: 1, max: 3_600_000 }),
        messageTtlSeconds: isNone(env, 'SYNC_MESSAGE_TTL')
            ? null
            : env.seconds('SYNC_MESSAGE_TTL', 86_400, { min: 1, max: 365 * 86_400 }),
        deadMessageTtlMs: isNone(env, 'SYNC_DEAD_MESSAGE_TTL')
            ? null
            : env.seconds('SYNC_DEAD_MESSAGE_TTL', 864_000, { min: 1, max: 365 * 86_400 }) * 1000,
        relayBatchSize: env.integer('SYNC_RELAY_BATCH', 500, { min: 1, max: 10_000 }),
        relayPollMs: env.milliseconds('SYNC_RELAY_POLL', 5_000, { min: 10, max: 3_600_000 }),
        retentionSeconds: env.seconds('SYNC_RETENTION', 7 * 86_400, { min: 3_600, max: 3_650 * 86_400 }),
        applyBatchSize: env.integer('SYNC_APPLY_BATCH', 200, { min: 1, max: 5_000 }),
    });
}
function isNone(env, name) {
    return env.string(name)?.toLowerCase() === 'none';
}
