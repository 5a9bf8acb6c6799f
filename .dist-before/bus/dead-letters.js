"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.InProcessDeadLetterQueue = exports.AmqpDeadLetterQueue = void 0;
exports.describeDeadLetter = describeDeadLetter;
exports.serviceQueueOf = serviceQueueOf;
const amqplib_1 = require("amqplib");
const bus_constants_1 = require("./bus.constants");
const REPLAY_BATCH = 100;
function describeDeadLetter(message) {
    const headers = (message.properties.headers ?? {});
    const text = (name) => (typeof headers[name] === 'string' ? headers[name] : '');
    return {
        messageId: message.properties.messageId,
        routingKey: text(bus_constants_1.HEADERS.originalRoutingKey) || message.fields.routingKey,
        reason: text(bus_constants_1.HEADERS.deathReason),
        lastError: text(bus_constants_1.HEADERS.lastError),
        failedAt: text(bus_constants_1.HEADERS.failedAt),
        retries: Number(headers[bus_constants_1.HEADERS.retryCount] ?? 0),
        body: message.content.toString('utf8'),
    };
}
function replayHeaders(seal, queue, message) {
    const headers = { ...message.properties.headers };
    for (const name of [
        bus_constants_1.HEADERS.retryCount,
        bus_constants_1.HEADERS.retrySeal,
        bus_constants_1.HEADERS.deathReason,
        bus_constants_1.HEADERS.lastError,
        bus_constants_1.HEADERS.failedAt,
        'x-death',
        'x-first-death-exchange',
        'x-first-death-queue',
        'x-first-death-reason',
        'x-last-death-exchange',
        'x-last-death-queue',
        'x-last-death-reason',
    ]) {
        delete headers[name];
    }
    const routingKey = describeDeadLetter(message).routingKey;
    const exchange = headers[bus_constants_1.HEADERS.originalExchange];
    headers[bus_constants_1.HEADERS.originalRoutingKey] = routingKey;
    if (typeof exchange === 'string')
        headers[bus_constants_1.HEADERS.retrySeal] = seal.seal(queue, { routingKey, exchange, retryCount: 0 }, message.content);
    return headers;
}
function serviceQueueOf(name) {
    return name.startsWith('dead_letter_') ? name.slice('dead_letter_'.length) : name;
}
class AmqpDeadLetterQueue {
    url;
    seal;
    session = null;
    constructor(url, seal) {
        this.url = url;
        this.seal = seal;
    }
    async list(queue, limit) {
        const dlq = (0, bus_constants_1.deadLetterQueueName)(serviceQueueOf(queue));
        const connection = await (0, amqplib_1.connect)(this.url);
        connection.on('error', () => undefined);
        try {
            const channel = await connection.createChannel();
            channel.on('error', () => undefined);
            await channel.checkQueue(dlq);
            const found = [];
            for (let i = 0; i < limit; i++) {
                const message = await channel.get(dlq, { noAck: false });
                if (!message)
                    break;
                found.push(describeDeadLetter(message));
            }
            return found;
        }
        finally {
            await connection.close();
        }
    }
    async replay(queue, limit, onProgress) {
        const target = serviceQueueOf(queue);
        const dlq = (0, bus_constants_1.deadLetterQueueName)(target);
        const channel = await this.openChannel();
        const { messageCount } = await channel.checkQueue(dlq);
        await channel.checkQueue(target);
        const cap = Math.min(limit, messageCount);
        let done = 0;
        while (done < cap) {
            const batch = [];
            while (batch.length < REPLAY_BATCH && done + batch.length < cap) {
                const message = await channel.get(dlq, { noAck: false });
                if (!message)
                    break;
                channel.sendToQueue(target, message.content, {
                    ...message.properties,
                    headers: replayHeaders(this.seal, target, message),
                    persistent: true,
                });
                batch.push(message);
            }
            if (batch.length === 0)
                break;
            await channel.waitForConfirms();
            for (const message of batch)
                channel.ack(message);
            done += batch.length;
            onProgress?.(done);
        }
        return done;
    }
    async purge(queue) {
        const channel = await this.openChannel();
        const { messageCount } = await channel.purgeQueue((0, bus_constants_1.deadLetterQueueName)(serviceQueueOf(queue)));
        return messageCount;
    }
    async close() {
        const session = this.session;
        this.session = null;
        if (!session)
            return;
        const opened = await session.catch(() => null);
        await opened?.channel.close().catch(() => undefined);
        await opened?.connection.close().catch(() => undefined);
    }
    async openChannel() {
        this.session ??= (0, amqplib_1.connect)(this.url).then(async (connection) => {
            connection.on('error', () => undefined);
            const channel = await connection.createConfirmChannel();
            channel.on('error', () => undefined);
            return { connection, channel };
        });
        return (await this.session).channel;
    }
}
exports.AmqpDeadLetterQueue = AmqpDeadLetterQueue;
class InProcessDeadLetterQueue {
    broker;
    seal;
    constructor(broker, seal) {
        this.broker = broker;
        this.seal = seal;
    }
    async list(queue, limit) {
        return this.broker
            .peek((0, bus_constants_1.deadLetterQueueName)(serviceQueueOf(queue)))
            .slice(0, limit)
            .map(describeDeadLetter);
    }
    async replay(queue, limit, onProgress) {
        const target = serviceQueueOf(queue);
        const messages = this.broker.take((0, bus_constants_1.deadLetterQueueName)(target), limit);
        for (const message of messages)
            this.broker.sendToQueue(target, message.content, {
                ...message.properties,
                headers: replayHeaders(this.seal, target, message),
            });
        onProgress?.(messages.length);
        return messages.length;
    }
    async purge(queue) {
        return this.broker.take((0, bus_constants_1.deadLetterQueueName)(serviceQueueOf(queue))).length;
    }
    async close() { }
}
exports.InProcessDeadLetterQueue = InProcessDeadLetterQueue;
