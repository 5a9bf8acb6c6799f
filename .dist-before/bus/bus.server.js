"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.BusServer = void 0;
const microservices_1 = require("@nestjs/microservices");
const rxjs_1 = require("rxjs");
const amqp_context_1 = require("./amqp.context");
const bus_constants_1 = require("./bus.constants");
const bus_errors_1 = require("./bus.errors");
const correlation_1 = require("./correlation");
const retry_policy_1 = require("./retry-policy");
const retry_seal_1 = require("./retry-seal");
const topic_pattern_1 = require("./topic-pattern");
class BusServer extends microservices_1.Server {
    options;
    metrics;
    propagatesEventHandlerErrors = true;
    retryPolicy;
    retrySeal;
    running = new Set();
    extraBindings;
    exchangeHandlers = new Map();
    extraQueues = [];
    prefetchFloor = 0;
    constructor(options, metrics) {
        super();
        this.options = options;
        this.metrics = metrics;
        this.retryPolicy = new retry_policy_1.RetryPolicy(options.queue, options.retryDelaysMs);
        this.retrySeal = new retry_seal_1.RetrySeal(options.secretKey);
        this.extraBindings = [...(options.extraBindings ?? [])];
    }
    addBinding(exchange, routingKey) {
        this.extraBindings.push({ exchange, routingKey });
    }
    addExchangeHandler(exchange, handler) {
        this.exchangeHandlers.set(exchange, handler);
    }
    raisePrefetch(count) {
        this.prefetchFloor = Math.max(this.prefetchFloor, count);
    }
    get effectivePrefetch() {
        return Math.max(this.options.prefetch, this.prefetchFloor);
    }
    addQueue(queue) {
        const known = this.extraQueues.findIndex((extra) => extra.name === queue.name);
        if (known < 0)
            this.extraQueues.push(queue);
        else {
            const merged = [...(this.extraQueues[known].bindings ?? []), ...(queue.bindings ?? [])];
            this.extraQueues[known] = { ...this.extraQueues[known], bindings: merged };
        }
    }
    exchangeHandlerFor(message) {
        if (this.exchangeHandlers.size === 0)
            return undefined;
        return this.exchangeHandlers.get(this.provenanceOf(message).exchange);
    }
    provenanceOf(message) {
        return this.retrySeal.open(this.options.queue, message) ?? (0, retry_seal_1.deliveredProvenance)(message);
    }
    async runExchangeHandler(handler, message) {
        try {
            return await handler(message);
        }
        catch (error) {
            this.logger.error(`exchange handler failed on ${message.fields.routingKey}: ${(0, bus_errors_1.describeError)(error)}`);
            const headers = this.failureHeaders(message, {
                [bus_constants_1.HEADERS.deathReason]: 'handler-error',
                [bus_constants_1.HEADERS.lastError]: (0, bus_errors_1.describeError)(error).slice(0, 500),
                [bus_constants_1.HEADERS.failedAt]: new Date().toISOString(),
            });
            return {
                kind: 'forward',
                copies: [
                    {
                        exchange: '',
                        routingKey: this.retryPolicy.deadLetterQueue,
                        toQueue: this.retryPolicy.deadLetterQueue,
                        content: message.content,
                        properties: {
                            contentType: message.properties.contentType,
                            persistent: true,
                            headers,
                        },
                    },
                ],
            };
        }
    }
    bindings() {
        const patterns = [...this.getHandlers().keys()];
        const invalid = patterns.filter((pattern) => pattern.startsWith('{') || pattern.length > 255);
        if (invalid.length > 0)
            throw new bus_errors_1.InvalidHandlerPatternError(invalid);
        const fromHandlers = patterns.map((routingKey) => ({
            exchange: this.options.exchange,
            routingKey,
        }));
        return [...fromHandlers, ...this.extraBindings];
    }
    on() {
        throw new Error('The bus reports its state through logs and metrics, not events');
    }
    track(work) {
        this.running.add(work);
        void work.finally(() => this.running.delete(work)).catch(() => undefined);
        return work;
    }
    async waitForRunningHandlers() {
        const deadline = new Promise((resolve) => setTimeout(resolve, this.options.drainTimeoutMs ?? 10_000).unref());
        await Promise.race([Promise.allSettled([...this.running]), deadline]);
    }
    async dispatch(message, channel, sendReply) {
        const reply = async (packet) => {
            try {
                await sendReply(packet);
            }
            catch (error) {
                this.logger.warn(`could not reply to ${routingKey}: ${(0, bus_errors_1.describeError)(error)}`);
            }
        };
        const { properties } = message;
        const provenance = this.provenanceOf(message);
        const { routingKey } = provenance;
        let data;
        try {
            data = JSON.parse(message.content.toString('utf8'));
        }
        catch (error) {
            return { kind: 'dead-letter', reason: 'unparsable-body', error: (0, bus_errors_1.describeError)(error) };
        }
        const pattern = (0, topic_pattern_1.findMatchingPattern)(this.getHandlers().keys(), routingKey);
        const handler = pattern === null ? null : this.getHandlers().get(pattern);
        if (pattern === null || !handler) {
            if (properties.replyTo)
                await reply({
                    err: { code: 'NO_HANDLER', message: `no handler for "${routingKey}"` },
                    isDisposed: true,
                });
            return {
                kind: 'dead-letter',
                reason: 'no-handler',
                error: `no handler for routing key "${routingKey}"`,
            };
        }
        const ctx = new amqp_context_1.AmqpContext([message, channel, pattern, provenance]);
        const correlationId = typeof properties.correlationId === 'string' ? properties.correlationId : undefined;
        return correlation_1.correlationScope.run(correlationId ?? '', async () => {
            if (handler.isEventHandler)
                return this.runEventHandlers(handler, data, ctx, pattern, provenance);
            await this.runRequestHandler(handler, data, ctx, reply);
            return { kind: 'done', pattern };
        });
    }
    async runEventHandlers(handler, data, ctx, pattern, provenance) {
        try {
            for (let current = handler; current; current = current.next) {
                await settle(await current(data, ctx));
            }
            return { kind: 'done', pattern };
        }
        catch (filtered) {
            const error = ctx.getFailure()?.error ?? filtered;
            if (isInvalidPayload(error))
                return { kind: 'dead-letter', reason: 'invalid-body', error: (0, bus_errors_1.describeError)(error) };
            const decision = this.retryPolicy.decide(provenance.retryCount);
            if (decision.action === 'retry')
                return { kind: 'retry', pattern, decision, error: (0, bus_errors_1.describeError)(error) };
            return { kind: 'dead-letter', reason: 'retries-exhausted', error: (0, bus_errors_1.describeError)(error) };
        }
    }
    async runRequestHandler(handler, data, ctx, reply) {
        let response$;
        try {
            response$ = this.transformToObservable(await handler(data, ctx));
        }
        catch (error) {
            await reply({ err: toWireError(ctx.getFailure()?.error ?? error), isDisposed: true });
            return;
        }
        await new Promise((resolve) => {
            this.send(response$, async (packet) => {
                await reply(packet.err === undefined
                    ? { response: packet.response, isDisposed: packet.isDisposed }
                    : { err: toWireError(ctx.getFailure()?.error ?? packet.err), isDisposed: true });
                if (packet.isDisposed || packet.err !== undefined)
                    resolve();
            });
        });
    }
    failureHeaders(message, extra) {
        const headers = { ...message.properties.headers };
        for (const name of Object.keys(headers))
            if (BROKER_DEATH_HEADERS.test(name))
                delete headers[name];
        const known = this.provenanceOf(message);
        const retryCount = extra[bus_constants_1.HEADERS.retryCount];
        const provenance = {
            ...known,
            retryCount: typeof retryCount === 'number' ? retryCount : known.retryCount,
        };
        return {
            ...headers,
            ...extra,
            [bus_constants_1.HEADERS.originalRoutingKey]: provenance.routingKey,
            [bus_constants_1.HEADERS.originalExchange]: provenance.exchange,
            [bus_constants_1.HEADERS.retryCount]: provenance.retryCount,
            [bus_constants_1.HEADERS.sourceQueue]: this.options.queue,
            [bus_constants_1.HEADERS.retrySeal]: this.retrySeal.seal(this.options.queue, provenance, message.content),
        };
    }
}
exports.BusServer = BusServer;
const BROKER_DEATH_HEADERS = /^x-(death|first-death-.*|last-death-.*)$/;
async function settle(result) {
    if ((0, rxjs_1.isObservable)(result))
        await (0, rxjs_1.lastValueFrom)(result.pipe((0, rxjs_1.defaultIfEmpty)(undefined)));
}
function isInvalidPayload(error) {
    if (typeof error !== 'object' || error === null)
        return false;
    const status = error.getStatus?.() ?? error.status;
    return status === 400;
}
function toWireError(error) {
    if (typeof error === 'object' && error !== null) {
        const { name, message } = error;
        const code = typeof name === 'string' && name !== 'Error' ? name : 'HANDLER_ERROR';
        return { code, message: typeof message === 'string' ? message : (0, bus_errors_1.describeError)(error) };
    }
    return { code: 'HANDLER_ERROR', message: String(error) };
}
