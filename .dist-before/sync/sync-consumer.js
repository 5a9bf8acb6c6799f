"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.SyncConsumer = exports.SYNC_CLOCK = void 0;
const common_1 = require("@nestjs/common");
const bus_constants_1 = require("../bus/bus.constants");
const bus_errors_1 = require("../bus/bus.errors");
const cqrs_message_1 = require("./cqrs-message");
const replica_resolved_1 = require("./replica.resolved");
const sync_constants_1 = require("./sync.constants");
exports.SYNC_CLOCK = Symbol('SYNC_CLOCK');
class SyncConsumer {
    applier;
    metrics;
    options;
    logger = new common_1.Logger('SyncConsumer');
    constructor(applier, metrics, options) {
        this.applier = applier;
        this.metrics = metrics;
        this.options = options;
    }
    async handle(message) {
        const now = this.options.clock?.now() ?? Date.now();
        let body;
        let expiresAt;
        try {
            ({ body, expiresAt } = (0, cqrs_message_1.decodeCqrsMessage)(message.content, this.options.messageTtlSeconds, new Date(now)));
        }
        catch (error) {
            if (!(error instanceof cqrs_message_1.CqrsDecodeError))
                throw error;
            return this.park(message, error.reason, error.message, error.cqrsId);
        }
        if (message.fields.exchange === '')
            ({ body, expiresAt } = this.refreshed(body, now));
        if (!this.applier.handles(body.cqrs_id))
            return this.park(message, 'unknown-cqrs-id', `no replica of cqrs_id "${body.cqrs_id}" here`, body.cqrs_id);
        if (expiresAt !== null && expiresAt.getTime() <= now)
            return this.deadLetter(message, body, 'expired', `expired at ${body.expires}`);
        try {
            await this.applier.apply(body);
            return { kind: 'ack' };
        }
        catch (error) {
            if (error instanceof replica_resolved_1.InvalidReplicaMessageError)
                return this.deadLetter(message, body, 'invalid-data', error.message);
            return this.retryOrDeadLetter(message, body, error);
        }
    }
    refreshed(body, now) {
        const ttl = this.options.messageTtlSeconds ?? sync_constants_1.DEFAULT_MESSAGE_TTL_SECONDS;
        const expiresAt = body.expires === null ? null : new Date(now + ttl * 1000);
        return { body: { ...body, retries: 0, expires: expiresAt && (0, cqrs_message_1.formatExpires)(expiresAt) }, expiresAt };
    }
    retryOrDeadLetter(message, body, error) {
        const { maxRetries, queue, retryDelayMs } = this.options;
        if (maxRetries !== null && body.retries >= maxRetries)
            return this.deadLetter(message, body, 'retries-exhausted', (0, bus_errors_1.describeError)(error));
        this.logger.warn(`${body.signal_type} ${body.cqrs_id} ${String(body.instance_pk)} failed (attempt ${body.retries + 1}), retrying in ${retryDelayMs} ms: ${(0, bus_errors_1.describeError)(error)}`);
        this.metrics.onRetried(body.cqrs_id);
        const retry = {
            exchange: sync_constants_1.CQRS_EXCHANGE,
            routingKey: (0, sync_constants_1.directRoutingKey)(queue, body.cqrs_id),
            content: (0, cqrs_message_1.encodeCqrsBody)({ ...body, retries: body.retries + 1 }),
            properties: { contentType: sync_constants_1.CQRS_CONTENT_TYPE, persistent: true, expiration: String(retryDelayMs) },
            delay: { queue: (0, sync_constants_1.retryQueueName)(queue, body.cqrs_id), ms: retryDelayMs },
        };
        return { kind: 'forward', copies: [retry] };
    }
    deadLetter(message, body, reason, detail) {
        this.logger.warn(`parking ${body.signal_type} ${body.cqrs_id} ${String(body.instance_pk)} in ${(0, bus_constants_1.deadLetterQueueName)(this.options.queue)}: ${reason}: ${detail}`);
        this.metrics.onDeadLettered(body.cqrs_id, reason);
        return {
            kind: 'forward',
            copies: [
                {
                    exchange: sync_constants_1.CQRS_EXCHANGE,
                    routingKey: (0, sync_constants_1.deadLetterRoutingKey)(this.options.queue, body.cqrs_id),
                    content: (0, cqrs_message_1.encodeCqrsBody)(body),
                    properties: this.deadLetterProperties(message, reason, detail),
                },
            ],
        };
    }
    park(message, reason, detail, cqrsId) {
        const dlq = (0, bus_constants_1.deadLetterQueueName)(this.options.queue);
        this.logger.warn(`parking a ${sync_constants_1.CQRS_EXCHANGE} message (${message.fields.routingKey}) in ${dlq}: ${reason}: ${detail}`);
        this.metrics.onDeadLettered(cqrsId ?? 'unknown', reason);
        return {
            kind: 'forward',
            copies: [
                {
                    exchange: '',
                    routingKey: dlq,
                    toQueue: dlq,
                    content: message.content,
                    properties: this.deadLetterProperties(message, reason, detail),
                },
            ],
        };
    }
    deadLetterProperties(message, reason, detail) {
        const expiration = this.options.deadMessageTtlMs;
        return {
            contentType: sync_constants_1.CQRS_CONTENT_TYPE,
            persistent: true,
            ...(expiration === null ? {} : { expiration: String(expiration) }),
            headers: {
                [bus_constants_1.HEADERS.deathReason]: reason,
                [bus_constants_1.HEADERS.lastError]: detail.slice(0, 500),
                [bus_constants_1.HEADERS.failedAt]: new Date().toISOString(),
                [bus_constants_1.HEADERS.originalExchange]: sync_constants_1.CQRS_EXCHANGE,
                [bus_constants_1.HEADERS.originalRoutingKey]: message.fields.routingKey,
                [bus_constants_1.HEADERS.sourceQueue]: this.options.queue,
            },
        };
    }
}
exports.SyncConsumer = SyncConsumer;
