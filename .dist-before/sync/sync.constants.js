"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.METRICS = exports.CQRS_ID_PATTERN = exports.TABLES = exports.OUTBOX_NOTIFY_CHANNEL = exports.OUTBOX_PARTITIONS = exports.DEFAULT_RELAY_POLL_MS = exports.DEFAULT_APPLY_BATCH = exports.DEFAULT_RELAY_BATCH = exports.CQRS_CONTENT_TYPE = exports.DEFAULT_DEAD_MESSAGE_TTL_MS = exports.DEFAULT_RETRY_DELAY_MS = exports.DEFAULT_MAX_RETRIES = exports.DEFAULT_MESSAGE_TTL_SECONDS = exports.CQRS_EXCHANGE = void 0;
exports.broadcastRoutingKey = broadcastRoutingKey;
exports.directRoutingKey = directRoutingKey;
exports.deadLetterRoutingKey = deadLetterRoutingKey;
exports.retryQueueName = retryQueueName;
exports.CQRS_EXCHANGE = 'cqrs';
exports.DEFAULT_MESSAGE_TTL_SECONDS = 86_400;
exports.DEFAULT_MAX_RETRIES = 30;
exports.DEFAULT_RETRY_DELAY_MS = 2_000;
exports.DEFAULT_DEAD_MESSAGE_TTL_MS = 864_000_000;
exports.CQRS_CONTENT_TYPE = 'text/plain';
exports.DEFAULT_RELAY_BATCH = 500;
exports.DEFAULT_APPLY_BATCH = 200;
exports.DEFAULT_RELAY_POLL_MS = 5_000;
exports.OUTBOX_PARTITIONS = 16;
exports.OUTBOX_NOTIFY_CHANNEL = 'sync_outbox';
exports.TABLES = {
    outbox: 'sync_outbox',
    inbox: 'sync_inbox',
    tombstones: 'sync_tombstones',
    relayPartitions: 'sync_relay_partitions',
};
function broadcastRoutingKey(cqrsId) {
    return cqrsId;
}
function directRoutingKey(queue, cqrsId) {
    return `cqrs.${queue}.${cqrsId}`;
}
function deadLetterRoutingKey(queue, cqrsId) {
    return directRoutingKey(`dead_letter_${queue}`, cqrsId);
}
function retryQueueName(queue, cqrsId) {
    return `${queue}.cqrs-retry.${cqrsId}`;
}
exports.CQRS_ID_PATTERN = /^[A-Za-z0-9_-]{1,200}$/;
exports.METRICS = {
    outboxDepth: 'sync_outbox_depth',
    outboxOldestAge: 'sync_outbox_oldest_age_seconds',
    relayLag: 'sync_relay_lag_seconds',
    published: 'sync_events_published_total',
    applied: 'sync_events_applied_total',
    droppedStale: 'sync_events_dropped_stale_total',
    duplicate: 'sync_events_duplicate_total',
    retried: 'sync_events_retried_total',
    deadLettered: 'sync_events_dead_lettered_total',
};
