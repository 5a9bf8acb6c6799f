"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.METRICS = exports.HEADERS = exports.JSON_CONTENT_TYPE = exports.DIRECT_REPLY_QUEUE = exports.MAX_ROUTING_KEY_BYTES = exports.DEFAULT_HEARTBEAT_SECONDS = exports.STARTUP_CONNECT_WAIT_MS = exports.RECONNECT_MAX_DELAY_MS = exports.RECONNECT_MIN_DELAY_MS = exports.DEFAULT_REQUEST_TIMEOUT_MS = exports.DEFAULT_PUBLISH_BUFFER = exports.DEFAULT_PUBLISH_TIMEOUT_MS = exports.DEFAULT_RETRY_DELAYS_MS = exports.DEFAULT_PREFETCH = exports.DEFAULT_EXCHANGE = exports.IN_PROCESS_BROKER = exports.BUS_CLIENT = void 0;
exports.deadLetterQueueName = deadLetterQueueName;
exports.retryQueueName = retryQueueName;
exports.BUS_CLIENT = Symbol('BUS_CLIENT');
exports.IN_PROCESS_BROKER = Symbol('IN_PROCESS_BROKER');
exports.DEFAULT_EXCHANGE = 'events';
exports.DEFAULT_PREFETCH = 50;
exports.DEFAULT_RETRY_DELAYS_MS = [1_000, 10_000, 60_000];
exports.DEFAULT_PUBLISH_TIMEOUT_MS = 30_000;
exports.DEFAULT_PUBLISH_BUFFER = 10_000;
exports.DEFAULT_REQUEST_TIMEOUT_MS = 5_000;
exports.RECONNECT_MIN_DELAY_MS = 250;
exports.RECONNECT_MAX_DELAY_MS = 10_000;
exports.STARTUP_CONNECT_WAIT_MS = 10_000;
exports.DEFAULT_HEARTBEAT_SECONDS = 10;
exports.MAX_ROUTING_KEY_BYTES = 255;
exports.DIRECT_REPLY_QUEUE = 'amq.rabbitmq.reply-to';
exports.JSON_CONTENT_TYPE = 'application/json';
function deadLetterQueueName(queue) {
    return `dead_letter_${queue}`;
}
function retryQueueName(queue, delayMs) {
    return `${queue}.retry.${delayMs}`;
}
exports.HEADERS = {
    retryCount: 'x-retry-count',
    originalRoutingKey: 'x-original-routing-key',
    originalExchange: 'x-original-exchange',
    deathReason: 'x-death-reason',
    lastError: 'x-last-error',
    failedAt: 'x-failed-at',
    sourceQueue: 'x-source-queue',
    retrySeal: 'x-retry-seal',
};
exports.METRICS = {
    published: 'bus_messages_published_total',
    confirmed: 'bus_messages_confirmed_total',
    consumed: 'bus_messages_consumed_total',
    retried: 'bus_messages_retried_total',
    deadLettered: 'bus_messages_dead_lettered_total',
};
