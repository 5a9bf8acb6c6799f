"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.AmqpClient = void 0;
const node_crypto_1 = require("node:crypto");
const amqp_connection_1 = require("./amqp-connection");
const amqp_publisher_1 = require("./amqp-publisher");
const bus_client_1 = require("./bus.client");
const bus_constants_1 = require("./bus.constants");
const bus_errors_1 = require("./bus.errors");
const bus_message_1 = require("./bus.message");
class AmqpClient extends bus_client_1.BusClient {
    options;
    connection;
    requestTimeoutMs;
    publisher;
    pendingRequests = new Map();
    unsentRequests = [];
    rpcChannel = null;
    extraExchanges = new Set();
    constructor(options, metrics) {
        super();
        this.options = options;
        this.requestTimeoutMs = options.requestTimeoutMs;
        this.connection = new amqp_connection_1.AmqpConnection(options.url, options.connectionName ?? 'bus-client');
        this.publisher = new amqp_publisher_1.ConfirmPublisher(this.connection, options.publishBufferLimit, options.publishTimeoutMs, metrics);
        this.connection.addSetup((session) => this.setupSession(session));
        this.connection.onUp(() => this.sendWaitingRequests());
        this.connection.onDown(() => this.failSentRequests());
    }
    connect() {
        this.connection.start().catch(() => undefined);
        return Promise.resolve();
    }
    get isConnected() {
        return this.connection.isConnected;
    }
    async publishEvent(routingKey, data, options = {}) {
        await this.connect();
        const key = (0, bus_message_1.toRoutingKey)(routingKey);
        return this.publisher.publish(options.exchange ?? this.options.exchange, key, (0, bus_message_1.encodeBody)(data), (0, bus_message_1.eventProperties)(key, options));
    }
    async publishRaw(exchange, routingKey, content, properties = {}) {
        await this.connect();
        return this.publisher.publish(exchange, (0, bus_message_1.toRoutingKey)(routingKey), content, { ...properties });
    }
    async declareExchange(name) {
        if (this.extraExchanges.has(name))
            return;
        this.extraExchanges.add(name);
        const session = this.connection.current;
        if (session)
            await session.channel.assertExchange(name, 'topic', { durable: true });
    }
    async close() {
        await this.publisher.drain();
        this.publisher.close();
        for (const [id, request] of this.pendingRequests)
            this.finishRequest(id, { err: new bus_errors_1.BusClosedError(`wait for "${request.routingKey}"`) });
        await this.connection.close();
    }
    unwrap() {
        return this.connection;
    }
    sendRequest(routingKey, data, timeoutMs, callback) {
        void this.connect();
        const id = (0, node_crypto_1.randomUUID)();
        const timer = setTimeout(() => this.finishRequest(id, { err: new bus_errors_1.RpcTimeoutError(routingKey, timeoutMs) }), timeoutMs);
        this.unsentRequests.push(id);
        this.pendingRequests.set(id, {
            routingKey,
            callback,
            timer,
            content: (0, bus_message_1.encodeBody)(data),
            timeoutMs,
            isSent: false,
        });
        this.sendWaitingRequests();
        return () => this.finishRequest(id);
    }
    async setupSession(session) {
        await session.channel.assertExchange(this.options.exchange, 'topic', { durable: true });
        for (const name of this.extraExchanges)
            await session.channel.assertExchange(name, 'topic', { durable: true });
        const channel = await session.connection.createChannel();
        channel.on('error', () => undefined);
        channel.on('close', () => void session.connection.close().catch(() => undefined));
        await channel.consume(bus_constants_1.DIRECT_REPLY_QUEUE, (message) => message && this.onReply(message), { noAck: true });
        this.rpcChannel = channel;
    }
    sendWaitingRequests() {
        const channel = this.rpcChannel;
        if (!channel || !this.connection.isConnected)
            return;
        while (this.unsentRequests.length > 0) {
            const id = this.unsentRequests[0];
            const request = this.pendingRequests.get(id);
            if (request) {
                try {
                    channel.publish(this.options.exchange, request.routingKey, request.content, {
                        ...(0, bus_message_1.eventProperties)(request.routingKey),
                        correlationId: id,
                        replyTo: bus_constants_1.DIRECT_REPLY_QUEUE,
                        persistent: false,
                        expiration: String(request.timeoutMs),
                    });
                }
                catch {
                    return;
                }
                request.isSent = true;
            }
            this.unsentRequests.shift();
        }
    }
    failSentRequests() {
        this.rpcChannel = null;
        for (const [id, request] of this.pendingRequests) {
            if (request.isSent)
                this.finishRequest(id, { err: new bus_errors_1.RequestInterruptedError(request.routingKey) });
        }
    }
    onReply(message) {
        const id = message.properties.correlationId;
        const request = id === undefined ? undefined : this.pendingRequests.get(id);
        if (!id || !request)
            return;
        let packet;
        try {
            packet = JSON.parse(message.content.toString('utf8'));
        }
        catch {
            packet = { err: { code: 'UNPARSABLE_REPLY', message: 'the reply was not JSON' } };
        }
        if (packet.err)
            this.finishRequest(id, {
                err: new bus_errors_1.RemoteHandlerError(request.routingKey, packet.err.code, packet.err.message),
            });
        else if (packet.isDisposed)
            this.finishRequest(id, { response: packet.response, isDisposed: true });
        else
            request.callback({ response: packet.response });
    }
    finishRequest(id, packet) {
        const request = this.pendingRequests.get(id);
        if (!request)
            return;
        this.pendingRequests.delete(id);
        clearTimeout(request.timer);
        const unsentIndex = request.isSent ? -1 : this.unsentRequests.indexOf(id);
        if (unsentIndex >= 0)
            this.unsentRequests.splice(unsentIndex, 1);
        if (packet)
            request.callback(packet);
    }
}
exports.AmqpClient = AmqpClient;
