"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.InProcessBroker = void 0;
const bus_message_1 = require("./bus.message");
const topic_pattern_1 = require("./topic-pattern");
class InProcessBroker {
    queues = new Map();
    bindings = [];
    timers = new Set();
    deliveryTag = 0;
    consumerCount = 0;
    assertQueue(name) {
        if (!this.queues.has(name))
            this.queues.set(name, { messages: [], consumers: [], nextConsumer: 0 });
    }
    bindQueue(queue, exchange, pattern) {
        this.assertQueue(queue);
        if (!this.bindings.some((b) => b.exchange === exchange && b.pattern === pattern && b.queue === queue)) {
            this.bindings.push({ exchange, pattern, queue });
        }
    }
    publish(exchange, routingKey, content, properties) {
        const targets = new Set(this.bindings
            .filter((b) => b.exchange === exchange && (0, topic_pattern_1.matchesTopic)(b.pattern, routingKey))
            .map((b) => b.queue));
        for (const queue of targets)
            this.enqueue(queue, exchange, routingKey, content, properties);
    }
    sendToQueue(queue, content, properties, routingKey = queue) {
        this.assertQueue(queue);
        this.enqueue(queue, '', routingKey, content, properties);
    }
    sendToQueueLater(queue, delayMs, content, properties) {
        const timer = setTimeout(() => {
            this.timers.delete(timer);
            this.sendToQueue(queue, content, properties);
        }, delayMs);
        this.timers.add(timer);
    }
    publishLater(exchange, routingKey, delayMs, content, properties) {
        const timer = setTimeout(() => {
            this.timers.delete(timer);
            this.publish(exchange, routingKey, content, properties);
        }, delayMs);
        this.timers.add(timer);
    }
    consume(queue, prefetch, handle) {
        this.assertQueue(queue);
        const tag = `in-process-${++this.consumerCount}`;
        this.queues.get(queue).consumers.push({ tag, handle, prefetch, unacked: 0 });
        this.pump(queue);
        return tag;
    }
    cancel(tag) {
        for (const queue of this.queues.values()) {
            const index = queue.consumers.findIndex((c) => c.tag === tag);
            if (index >= 0)
                queue.consumers.splice(index, 1);
        }
    }
    deleteQueue(name) {
        this.queues.delete(name);
        for (let i = this.bindings.length - 1; i >= 0; i--)
            if (this.bindings[i].queue === name)
                this.bindings.splice(i, 1);
    }
    peek(queue) {
        return [...(this.queues.get(queue)?.messages ?? [])];
    }
    take(queue, limit = Infinity) {
        const messages = this.queues.get(queue)?.messages ?? [];
        return messages.splice(0, Math.min(limit, messages.length));
    }
    close() {
        for (const timer of this.timers)
            clearTimeout(timer);
        this.timers.clear();
        for (const queue of this.queues.values())
            queue.consumers.length = 0;
    }
    enqueue(queue, exchange, routingKey, content, properties) {
        this.assertQueue(queue);
        const message = {
            content: Buffer.from(content),
            fields: { deliveryTag: ++this.deliveryTag, redelivered: false, exchange, routingKey, consumerTag: '' },
            properties: { ...(0, bus_message_1.emptyProperties)(), ...properties, headers: { ...properties.headers } },
        };
        this.queues.get(queue).messages.push(message);
        this.pump(queue);
    }
    pump(name) {
        const queue = this.queues.get(name);
        if (!queue)
            return;
        while (queue.messages.length > 0) {
            const consumer = this.nextFreeConsumer(queue);
            if (!consumer)
                return;
            const message = queue.messages.shift();
            consumer.unacked++;
            setImmediate(() => {
                void consumer
                    .handle({ ...message, fields: { ...message.fields, consumerTag: consumer.tag } })
                    .catch(() => undefined)
                    .finally(() => {
                    consumer.unacked--;
                    this.pump(name);
                });
            });
        }
    }
    nextFreeConsumer(queue) {
        for (let i = 0; i < queue.consumers.length; i++) {
            const index = (queue.nextConsumer + i) % queue.consumers.length;
            const consumer = queue.consumers[index];
            if (consumer.unacked < consumer.prefetch) {
                queue.nextConsumer = index + 1;
                return consumer;
            }
        }
        return undefined;
    }
}
exports.InProcessBroker = InProcessBroker;
