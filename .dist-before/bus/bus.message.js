"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.InvalidRoutingKeyError = void 0;
exports.toRoutingKey = toRoutingKey;
exports.encodeBody = encodeBody;
exports.eventProperties = eventProperties;
exports.emptyProperties = emptyProperties;
const node_crypto_1 = require("node:crypto");
const bus_constants_1 = require("./bus.constants");
const correlation_1 = require("./correlation");
class InvalidRoutingKeyError extends Error {
    pattern;
    constructor(pattern) {
        super(`a bus pattern must be a non-empty string routing key without wildcards, got ${JSON.stringify(pattern)}`);
        this.pattern = pattern;
        this.name = 'InvalidRoutingKeyError';
    }
}
exports.InvalidRoutingKeyError = InvalidRoutingKeyError;
function toRoutingKey(pattern) {
    if (typeof pattern !== 'string' ||
        pattern === '' ||
        pattern.split('.').some((w) => w === '*' || w === '#')) {
        throw new InvalidRoutingKeyError(pattern);
    }
    return pattern;
}
function encodeBody(data) {
    return Buffer.from(JSON.stringify(data ?? null));
}
function eventProperties(routingKey, options = {}) {
    const messageId = (0, node_crypto_1.randomUUID)();
    return {
        messageId,
        correlationId: options.correlationId ?? ((0, correlation_1.currentCorrelationId)() || messageId),
        persistent: true,
        contentType: bus_constants_1.JSON_CONTENT_TYPE,
        timestamp: Math.floor(Date.now() / 1000),
        type: routingKey,
        headers: { ...options.headers },
    };
}
function emptyProperties() {
    return {
        contentType: undefined,
        contentEncoding: undefined,
        headers: {},
        deliveryMode: undefined,
        priority: undefined,
        correlationId: undefined,
        replyTo: undefined,
        expiration: undefined,
        messageId: undefined,
        timestamp: undefined,
        type: undefined,
        userId: undefined,
        appId: undefined,
        clusterId: undefined,
    };
}
