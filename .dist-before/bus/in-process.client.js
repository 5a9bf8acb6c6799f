"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.InProcessClient = void 0;
const node_crypto_1 = require("node:crypto");
const bus_client_1 = require("./bus.client");
const bus_constants_1 = require("./bus.constants");
const bus_errors_1 = require("./bus.errors");
const bus_message_1 = require("./bus.message");
class InProcessClient extends bus_client_1.BusClient {
    broker;
    options;
    metrics;
    requestTimeoutMs;
    constructor(broker, options, metrics) {
        super();
        this.broker = broker;
        this.options = options;
        this.metrics = metrics;
        this.requestTimeoutMs = options.requestTimeoutMs;
    }
    connect() {
        return Promise.resolve();
    }
    get isConnected() {
        return true;
    }
    async publishEvent(routingKey, data, options = {}) {
        const key = (0, bus_message_1.toRoutingKey)(routingKey);
        const { persistent: _persistent, ...properties } = (0, bus_message_1.eventProperties)(key, options);
        this.broker.publish(options.exchange ?? this.options.exchange, key, (0, bus_message_1.encodeBody)(data), properties);
        this.metrics.onPublished();
        this.metrics.onConfirmed();
    }
    async publishRaw(exchange, routingKey, content, properties = {}) {
        const { persistent, ...rest } = properties;
        this.broker.publish(exchange, (0, bus_message_1.toRoutingKey)(routingKey), content, {
            ...rest,
            deliveryMode: persistent ? 2 : undefined,
        });
        this.metrics.onPublished();
        this.metrics.onConfirmed();
    }
    async declareExchange() { }
    async close() { }
    unwrap() {
        return this.broker;
    }
    sendRequest(routingKey, data, timeoutMs, callback) {
        const replyQueue = `${bus_constants_1.DIRECT_REPLY_QUEUE}.${(0, node_crypto_1.randomUUID)()}`;
        let isDone = false;
        const finish = (packet) => {
            if (isDone)
                return;
            isDone = true;
            clearTimeout(timer);
            this.broker.deleteQueue(replyQueue);
            if (packet)
                callback(packet);
        };
        const timer = setTimeout(() => finish({ err: new bus_errors_1.RpcTimeoutError(routingKey, timeoutMs) }), timeoutMs);
        this.broker.consume(replyQueue, Infinity, async (message) => {
            const packet = JSON.parse(message.content.toString('utf8'));
            if (packet.err)
                finish({ err: new bus_errors_1.RemoteHandlerError(routingKey, packet.err.code, packet.err.message) });
            else if (packet.isDisposed)
                finish({ response: packet.response, isDisposed: true });
            else
                callback({ response: packet.response });
        });
        const { persistent: _persistent, ...properties } = (0, bus_message_1.eventProperties)(routingKey);
        this.broker.publish(this.options.exchange, routingKey, (0, bus_message_1.encodeBody)(data), {
            ...properties,
            correlationId: (0, node_crypto_1.randomUUID)(),
            replyTo: replyQueue,
        });
        return () => finish();
    }
}
exports.InProcessClient = InProcessClient;
