"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.RetryPolicy = void 0;
const bus_constants_1 = require("./bus.constants");
class RetryPolicy {
    queue;
    delaysMs;
    constructor(queue, delaysMs) {
        this.queue = queue;
        this.delaysMs = delaysMs;
    }
    decide(retryCount) {
        if (retryCount < this.delaysMs.length) {
            const delayMs = this.delaysMs[retryCount];
            return {
                action: 'retry',
                delayMs,
                attempt: retryCount + 1,
                queue: (0, bus_constants_1.retryQueueName)(this.queue, delayMs),
            };
        }
        return { action: 'dead-letter', queue: (0, bus_constants_1.deadLetterQueueName)(this.queue) };
    }
    get retryQueues() {
        return [...new Set(this.delaysMs)].map((delayMs) => ({
            name: (0, bus_constants_1.retryQueueName)(this.queue, delayMs),
            delayMs,
        }));
    }
    get deadLetterQueue() {
        return (0, bus_constants_1.deadLetterQueueName)(this.queue);
    }
}
exports.RetryPolicy = RetryPolicy;
