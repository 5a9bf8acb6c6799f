"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.BusMetrics = void 0;
const bus_constants_1 = require("./bus.constants");
class BusMetrics {
    publishedTotal;
    confirmedTotal;
    consumedTotal;
    retriedTotal;
    deadLetteredTotal;
    constructor(metrics) {
        if (!metrics)
            return;
        this.publishedTotal = metrics.counter({ name: bus_constants_1.METRICS.published, help: 'Messages handed to the broker' });
        this.confirmedTotal = metrics.counter({
            name: bus_constants_1.METRICS.confirmed,
            help: 'Published messages the broker confirmed',
        });
        this.consumedTotal = metrics.counter({
            name: bus_constants_1.METRICS.consumed,
            help: 'Messages handled and acked',
            labelNames: ['pattern'],
        });
        this.retriedTotal = metrics.counter({
            name: bus_constants_1.METRICS.retried,
            help: 'Failed messages sent to a delay queue',
            labelNames: ['pattern'],
        });
        this.deadLetteredTotal = metrics.counter({
            name: bus_constants_1.METRICS.deadLettered,
            help: 'Messages parked in the dead-letter queue',
            labelNames: ['reason'],
        });
    }
    onPublished() {
        this.publishedTotal?.inc();
    }
    onConfirmed() {
        this.confirmedTotal?.inc();
    }
    onConsumed(pattern) {
        this.consumedTotal?.inc({ pattern });
    }
    onRetried(pattern) {
        this.retriedTotal?.inc({ pattern });
    }
    onDeadLettered(reason) {
        this.deadLetteredTotal?.inc({ reason });
    }
}
exports.BusMetrics = BusMetrics;
