"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ConfirmPublisher = void 0;
const amqplib_1 = require("amqplib");
const bus_errors_1 = require("./bus.errors");
class ConfirmPublisher {
    connection;
    limit;
    timeoutMs;
    counters;
    waiting = [];
    inFlight = new Set();
    isWaitingForDrain = false;
    isClosed = false;
    idleWaiters = [];
    constructor(connection, limit, timeoutMs, counters) {
        this.connection = connection;
        this.limit = limit;
        this.timeoutMs = timeoutMs;
        this.counters = counters;
        connection.onUp(() => this.flush());
        connection.onDown(() => this.requeueInFlight());
    }
    get pendingCount() {
        return this.waiting.length + this.inFlight.size;
    }
    publish(exchange, routingKey, content, options) {
        if (this.isClosed)
            return Promise.reject(new bus_errors_1.BusClosedError(`publish "${routingKey}"`));
        if (this.pendingCount >= this.limit)
            return Promise.reject(new bus_errors_1.PublishBufferFullError(routingKey, this.limit));
        return new Promise((resolve, reject) => {
            const entry = {
                exchange,
                routingKey,
                content,
                options,
                resolve,
                reject,
                isSettled: false,
                timer: setTimeout(() => this.settle(entry, new bus_errors_1.PublishTimeoutError(routingKey, this.timeoutMs)), this.timeoutMs),
            };
            this.waiting.push(entry);
            this.flush();
        });
    }
    async drain() {
        if (this.pendingCount === 0)
            return;
        await new Promise((resolve) => this.idleWaiters.push(resolve));
    }
    close() {
        this.isClosed = true;
        for (const entry of [...this.waiting, ...this.inFlight])
            this.settle(entry, new bus_errors_1.BusClosedError(`publish "${entry.routingKey}"`));
    }
    flush() {
        const session = this.connection.current;
        if (!session || this.isWaitingForDrain)
            return;
        while (this.waiting.length > 0) {
            const entry = this.waiting.shift();
            if (entry.isSettled)
                continue;
            const written = this.write(session, entry);
            if (written === 'closed')
                return;
            if (written === 'full') {
                this.isWaitingForDrain = true;
                session.channel.once('drain', () => {
                    this.isWaitingForDrain = false;
                    this.flush();
                });
                return;
            }
        }
    }
    write(session, entry) {
        this.inFlight.add(entry);
        try {
            const isWritable = session.channel.publish(entry.exchange, entry.routingKey, entry.content, entry.options, (error) => this.onConfirm(entry, error));
            this.counters.onPublished();
            return isWritable ? 'written' : 'full';
        }
        catch (error) {
            this.inFlight.delete(entry);
            if (error instanceof amqplib_1.IllegalOperationError) {
                this.waiting.unshift(entry);
                return 'closed';
            }
            this.settle(entry, error instanceof Error ? error : new Error(String(error)));
            return 'written';
        }
    }
    onConfirm(entry, error) {
        if (!error) {
            if (!this.inFlight.delete(entry))
                return;
            this.counters.onConfirmed();
            this.settle(entry);
        }
        else if (error instanceof Error && error.message === 'message nacked') {
            if (!this.inFlight.delete(entry))
                return;
            this.settle(entry, new bus_errors_1.PublishNackError(entry.routingKey));
        }
    }
    requeueInFlight() {
        this.isWaitingForDrain = false;
        const unconfirmed = [...this.inFlight].filter((entry) => !entry.isSettled);
        this.inFlight.clear();
        this.waiting.unshift(...unconfirmed);
    }
    settle(entry, error) {
        if (entry.isSettled)
            return;
        entry.isSettled = true;
        clearTimeout(entry.timer);
        this.inFlight.delete(entry);
        if (error) {
            const index = this.waiting.indexOf(entry);
            if (index >= 0)
                this.waiting.splice(index, 1);
            entry.reject(error);
        }
        else {
            entry.resolve();
        }
        if (this.pendingCount === 0)
            this.notifyIdle();
    }
    notifyIdle() {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const resolve of waiters)
            resolve();
    }
}
exports.ConfirmPublisher = ConfirmPublisher;
