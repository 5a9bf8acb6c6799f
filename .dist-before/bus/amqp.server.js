"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.AmqpServer = void 0;
const amqp_connection_1 = require("./amqp-connection");
const bus_constants_1 = require("./bus.constants");
const bus_errors_1 = require("./bus.errors");
const bus_server_1 = require("./bus.server");
class AmqpServer extends bus_server_1.BusServer {
    connection;
    consumerTag = null;
    constructor(options, metrics) {
        super(options, metrics);
        this.connection = new amqp_connection_1.AmqpConnection(options.url, options.connectionName ?? `${options.queue}-server`);
    }
    async listen(callback) {
        try {
            await this.start(callback);
        }
        catch (error) {
            callback(error);
        }
    }
    async start(callback) {
        this.bindings();
        this.connection.addSetup((session) => this.setupChannel(session.channel));
        const connected = this.connection.start();
        const waitMs = this.options.startupConnectWaitMs ?? bus_constants_1.STARTUP_CONNECT_WAIT_MS;
        let timer;
        const waited = new Promise((resolve) => (timer = setTimeout(() => resolve('timeout'), waitMs)));
        const first = await Promise.race([connected, waited]).finally(() => clearTimeout(timer));
        if (first === 'timeout') {
            connected.catch(() => undefined);
            this.logger.error(`no broker after ${waitMs} ms; starting anyway and consuming once it is reachable`);
        }
        callback?.();
    }
    async setupChannel(channel) {
        const { exchange, queue } = this.options;
        await channel.assertExchange(exchange, 'topic', { durable: true });
        await channel.assertQueue(queue, { durable: true });
        await channel.assertQueue(this.retryPolicy.deadLetterQueue, { durable: true });
        for (const extra of this.extraQueues)
            await channel.assertQueue(extra.name, { durable: true, arguments: extra.arguments });
        for (const retry of this.retryPolicy.retryQueues) {
            await channel.assertQueue(retry.name, {
                durable: true,
                arguments: {
                    'x-message-ttl': retry.delayMs,
                    'x-dead-letter-exchange': '',
                    'x-dead-letter-routing-key': queue,
                },
            });
        }
        for (const binding of this.bindings()) {
            if (binding.exchange !== exchange)
                await channel.assertExchange(binding.exchange, 'topic', { durable: true });
            await channel.bindQueue(queue, binding.exchange, binding.routingKey);
        }
        for (const extra of this.extraQueues)
            for (const binding of extra.bindings ?? []) {
                await channel.assertExchange(binding.exchange, 'topic', { durable: true });
                await channel.bindQueue(extra.name, binding.exchange, binding.routingKey);
            }
        await channel.prefetch(this.effectivePrefetch);
        const { consumerTag } = await channel.consume(queue, (message) => {
            if (message)
                void this.track(this.handleMessage(message, channel));
            else {
                this.logger.warn(`the broker cancelled the consumer of ${queue}; reconnecting`);
                void channel.close().catch(() => undefined);
            }
        });
        this.consumerTag = consumerTag;
    }
    async handleMessage(message, channel) {
        const exchangeHandler = this.exchangeHandlerFor(message);
        if (exchangeHandler)
            return this.handleExchangeMessage(exchangeHandler, message, channel);
        const outcome = await this.dispatch(message, channel, (packet) => this.sendMessage(packet, message.properties.replyTo, message.properties.correlationId, channel));
        try {
            await this.settleOutcome(outcome, message, channel);
        }
        catch (error) {
            this.logger.warn(`could not settle ${message.fields.routingKey}: ${(0, bus_errors_1.describeError)(error)}`);
        }
    }
    async handleExchangeMessage(handler, message, channel) {
        const outcome = await this.runExchangeHandler(handler, message);
        try {
            if (outcome.kind === 'forward')
                await Promise.all(outcome.copies.map((copy) => publishCopy(channel, copy)));
            channel.ack(message);
        }
        catch (error) {
            this.logger.warn(`could not settle ${message.fields.routingKey}: ${(0, bus_errors_1.describeError)(error)}`);
        }
    }
    async sendMessage(packet, replyTo, correlationId, channel) {
        if (!replyTo)
            return;
        channel.sendToQueue(replyTo, Buffer.from(JSON.stringify(packet)), {
            correlationId,
            contentType: bus_constants_1.JSON_CONTENT_TYPE,
        });
    }
    async close() {
        const session = this.connection.current;
        if (session && this.consumerTag)
            await session.channel.cancel(this.consumerTag).catch(() => undefined);
        await this.waitForRunningHandlers();
        if (session)
            await session.channel.waitForConfirms().catch(() => undefined);
        await this.connection.close();
    }
    unwrap() {
        return this.connection;
    }
    get isConnected() {
        return this.connection.isConnected;
    }
    async settleOutcome(outcome, message, channel) {
        if (outcome.kind === 'done') {
            this.metrics.onConsumed(outcome.pattern);
        }
        else if (outcome.kind === 'retry') {
            const headers = this.failureHeaders(message, {
                [bus_constants_1.HEADERS.retryCount]: outcome.decision.attempt,
                [bus_constants_1.HEADERS.lastError]: truncate(outcome.error),
            });
            await publishConfirmed(channel, outcome.decision.queue, message, headers);
            this.metrics.onRetried(outcome.pattern);
        }
        else {
            this.logger.warn(`parking ${message.fields.routingKey} in ${this.retryPolicy.deadLetterQueue}: ${outcome.reason}: ${outcome.error}`);
            const headers = this.failureHeaders(message, {
                [bus_constants_1.HEADERS.deathReason]: outcome.reason,
                [bus_constants_1.HEADERS.lastError]: truncate(outcome.error),
                [bus_constants_1.HEADERS.failedAt]: new Date().toISOString(),
            });
            await publishConfirmed(channel, this.retryPolicy.deadLetterQueue, message, headers);
            this.metrics.onDeadLettered(outcome.reason);
        }
        channel.ack(message);
    }
}
exports.AmqpServer = AmqpServer;
function publishCopy(channel, copy) {
    return new Promise((resolve, reject) => {
        const done = (error) => error ? reject(error instanceof Error ? error : new Error('publish failed')) : resolve();
        const queue = copy.delay?.queue ?? copy.toQueue;
        if (queue !== undefined)
            channel.sendToQueue(queue, copy.content, copy.properties, done);
        else
            channel.publish(copy.exchange, copy.routingKey, copy.content, copy.properties, done);
    });
}
function publishConfirmed(channel, queue, message, headers) {
    const { properties } = message;
    return new Promise((resolve, reject) => {
        channel.sendToQueue(queue, message.content, {
            persistent: true,
            headers,
            messageId: properties.messageId,
            correlationId: properties.correlationId,
            contentType: properties.contentType,
            timestamp: properties.timestamp,
            type: properties.type,
        }, (error) => error ? reject(error instanceof Error ? error : new Error('publish failed')) : resolve());
    });
}
function truncate(text) {
    return text.length > 500 ? `${text.slice(0, 497)}...` : text;
}
