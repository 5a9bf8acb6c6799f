"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.InvalidHandlerPatternError = exports.RemoteHandlerError = exports.BusClosedError = exports.PublishNackError = exports.PublishTimeoutError = exports.PublishBufferFullError = exports.RequestInterruptedError = exports.RpcTimeoutError = void 0;
exports.describeError = describeError;
class RpcTimeoutError extends Error {
    pattern;
    timeoutMs;
    constructor(pattern, timeoutMs) {
        super(`no reply to "${pattern}" within ${timeoutMs} ms`);
        this.pattern = pattern;
        this.timeoutMs = timeoutMs;
        this.name = 'RpcTimeoutError';
    }
}
exports.RpcTimeoutError = RpcTimeoutError;
class RequestInterruptedError extends Error {
    pattern;
    constructor(pattern) {
        super(`the broker connection dropped while waiting for a reply to "${pattern}"; it may or may not have been handled`);
        this.pattern = pattern;
        this.name = 'RequestInterruptedError';
    }
}
exports.RequestInterruptedError = RequestInterruptedError;
class PublishBufferFullError extends Error {
    routingKey;
    limit;
    constructor(routingKey, limit) {
        super(`cannot publish "${routingKey}": ${limit} messages already wait for the broker (BUS_PUBLISH_BUFFER)`);
        this.routingKey = routingKey;
        this.limit = limit;
        this.name = 'PublishBufferFullError';
    }
}
exports.PublishBufferFullError = PublishBufferFullError;
class PublishTimeoutError extends Error {
    routingKey;
    timeoutMs;
    constructor(routingKey, timeoutMs) {
        super(`publish of "${routingKey}" not confirmed by the broker within ${timeoutMs} ms (BUS_PUBLISH_TIMEOUT)`);
        this.routingKey = routingKey;
        this.timeoutMs = timeoutMs;
        this.name = 'PublishTimeoutError';
    }
}
exports.PublishTimeoutError = PublishTimeoutError;
class PublishNackError extends Error {
    routingKey;
    constructor(routingKey) {
        super(`the broker refused (nacked) the publish of "${routingKey}"`);
        this.routingKey = routingKey;
        this.name = 'PublishNackError';
    }
}
exports.PublishNackError = PublishNackError;
class BusClosedError extends Error {
    operation;
    constructor(operation) {
        super(`cannot ${operation}: the bus is closed`);
        this.operation = operation;
        this.name = 'BusClosedError';
    }
}
exports.BusClosedError = BusClosedError;
class RemoteHandlerError extends Error {
    pattern;
    code;
    constructor(pattern, code, detail) {
        super(`"${pattern}" failed remotely (${code}): ${detail}`);
        this.pattern = pattern;
        this.code = code;
        this.name = 'RemoteHandlerError';
    }
}
exports.RemoteHandlerError = RemoteHandlerError;
class InvalidHandlerPatternError extends Error {
    patterns;
    constructor(patterns) {
        super(`bus handler patterns must be routing-key strings such as 'orders.*.created', not ${patterns.join(', ')}`);
        this.patterns = patterns;
        this.name = 'InvalidHandlerPatternError';
    }
}
exports.InvalidHandlerPatternError = InvalidHandlerPatternError;
function describeError(error) {
    if (error instanceof Error)
        return `${error.name}: ${error.message}`;
    if (typeof error === 'object' && error !== null && 'message' in error)
        return String(error.message);
    return String(error);
}
