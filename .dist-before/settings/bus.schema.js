"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.parseBusSettings = parseBusSettings;
const env_reader_1 = require("./env-reader");
const settings_error_1 = require("./settings-error");
const EXCHANGE_NAME = /^[A-Za-z0-9_.:-]{1,200}$/;
const MAX_DELAY_MS = 24 * 3600 * 1000;
const DEFAULT_PUBLISH_TIMEOUT_MS = 30_000;
function parseBusSettings(env, serviceName, shutdownTimeoutSeconds) {
    const exchange = env.string('AMQP_EXCHANGE') ?? 'events';
    if (!EXCHANGE_NAME.test(exchange) || exchange.startsWith('amq.')) {
        throw new settings_error_1.SettingsError('AMQP_EXCHANGE', 'must be letters, digits, "_", ".", ":" or "-" (max 200) and not start with amq.');
    }
    return Object.freeze({
        exchange,
        queue: serviceName,
        prefetch: env.integer('BUS_PREFETCH', 50, { min: 1, max: 65535 }),
        retryDelaysMs: Object.freeze(parseDelays(env, 'BUS_RETRY_DELAYS', '1s,10s,60s')),
        publishTimeoutMs: parsePublishTimeout(env, shutdownTimeoutSeconds * 1000),
        publishBufferLimit: env.integer('BUS_PUBLISH_BUFFER', 10_000, { min: 1, max: 1_000_000 }),
        requestTimeoutMs: env.milliseconds('BUS_REQUEST_TIMEOUT', 5000, { min: 10, max: 3600_000 }),
    });
}
function parsePublishTimeout(env, shutdownTimeoutMs) {
    const fallback = Math.min(DEFAULT_PUBLISH_TIMEOUT_MS, Math.floor(shutdownTimeoutMs * 0.8));
    const value = env.milliseconds('BUS_PUBLISH_TIMEOUT', fallback, { min: 100, max: 3600_000 });
    if (value >= shutdownTimeoutMs) {
        throw new settings_error_1.SettingsError('BUS_PUBLISH_TIMEOUT', `must be shorter than SHUTDOWN_TIMEOUT (${(0, env_reader_1.formatMs)(shutdownTimeoutMs)}), which waits for unconfirmed publishes`);
    }
    return value;
}
function parseDelays(env, name, fallback) {
    const value = env.string(name) ?? fallback;
    if (value.toLowerCase() === 'none')
        return [];
    const delays = value.split(',').map((part) => {
        const delay = (0, env_reader_1.parseDurationMs)(part);
        if (delay === null)
            throw new settings_error_1.SettingsError(name, `must list durations such as ${env_reader_1.DURATION_EXAMPLES}`);
        return delay;
    });
    if (delays.length > 20)
        throw new settings_error_1.SettingsError(name, 'must list at most 20 delays');
    for (const delay of delays) {
        if (delay < 1 || delay > MAX_DELAY_MS)
            throw new settings_error_1.SettingsError(name, `delays must be between 1ms and ${(0, env_reader_1.formatMs)(MAX_DELAY_MS)}`);
    }
    return delays;
}
