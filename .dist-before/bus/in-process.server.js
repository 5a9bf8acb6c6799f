"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.InProcessServer = void 0;
const bus_constants_1 = require("./bus.constants");
const bus_server_1 = require("./bus.server");
class InProcessServer extends bus_server_1.BusServer {
    broker;
    consumerTag = null;
    constructor(broker, options, metrics) {
        super(options, metrics);
        this.broker = broker;
    }
    listen(callback) {
        const { queue } = this.options;
        let bindings;
        try {
            bindings = this.bindings();
        }
        catch (error) {
            callback(error);
            return;
        }
        this.broker.assertQueue(queue);
        this.broker.assertQueue(this.retryPolicy.deadLetterQueue);
        for (const extra of this.extraQueues) {
            this.broker.assertQueue(extra.name);
            for (const binding of extra.bindings ?? [])
                this.broker.bindQueue(extra.name, binding.exchange, binding.routingKey);
        }
        for (const binding of bindings)
            this.broker.bindQueue(queue, binding.exchange, binding.routingKey);
        this.consumerTag = this.broker.consume(queue, this.effectivePrefetch, (message) => this.track(this.handleMessage(message)));
        callback();
    }
    async handleMessage(message) {
        const exchangeHandler = this.exchangeHandlerFor(message);
        if (exchangeHandler) {
            const outcome = await this.runExchangeHandler(exchangeHandler, message);
            if (outcome.kind === 'forward')
                for (const copy of outcome.copies)
                    this.publishCopy(copy);
            return;
        }
        const replyTo = message.properties.replyTo;
        const outcome = await this.dispatch(message, null, async (packet) => {
            if (replyTo)
                this.broker.sendToQueue(replyTo, Buffer.from(JSON.stringify(packet)), {
                    correlationId: message.properties.correlationId,
                });
        });
        if (outcome.kind === 'done') {
            this.metrics.onConsumed(outcome.pattern);
        }
        else if (outcome.kind === 'retry') {
            const headers = this.failureHeaders(message, {
                [bus_constants_1.HEADERS.retryCount]: outcome.decision.attempt,
                [bus_constants_1.HEADERS.lastError]: outcome.error,
            });
            this.broker.sendToQueueLater(this.options.queue, outcome.decision.delayMs, message.content, {
                ...message.properties,
                headers,
            });
            this.metrics.onRetried(outcome.pattern);
        }
        else {
            const headers = this.failureHeaders(message, {
                [bus_constants_1.HEADERS.deathReason]: outcome.reason,
                [bus_constants_1.HEADERS.lastError]: outcome.error,
                [bus_constants_1.HEADERS.failedAt]: new Date().toISOString(),
            });
            this.broker.sendToQueue(this.retryPolicy.deadLetterQueue, message.content, {
                ...message.properties,
                headers,
            });
            this.metrics.onDeadLettered(outcome.reason);
        }
    }
    publishCopy(copy) {
        const { persistent, ...rest } = copy.properties;
        const properties = { ...rest, deliveryMode: persistent ? 2 : undefined };
        if (copy.delay)
            this.broker.publishLater(copy.exchange, copy.routingKey, copy.delay.ms, copy.content, properties);
        else if (copy.toQueue !== undefined)
            this.broker.sendToQueue(copy.toQueue, copy.content, properties);
        else
            this.broker.publish(copy.exchange, copy.routingKey, copy.content, properties);
    }
    async close() {
        if (this.consumerTag)
            this.broker.cancel(this.consumerTag);
        this.consumerTag = null;
        await this.waitForRunningHandlers();
    }
    unwrap() {
        return this.broker;
    }
    get isConnected() {
        return true;
    }
}
exports.InProcessServer = InProcessServer;
