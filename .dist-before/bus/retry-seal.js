"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.RetrySeal = void 0;
exports.deliveredProvenance = deliveredProvenance;
const node_crypto_1 = require("node:crypto");
const bus_constants_1 = require("./bus.constants");
class RetrySeal {
    key;
    constructor(secretKey) {
        this.key = (0, node_crypto_1.createHmac)('sha256', secretKey).update('bus retry headers v1').digest();
    }
    seal(queue, provenance, content) {
        return this.mac(queue, provenance, content).toString('base64url');
    }
    open(queue, message) {
        const { fields, properties } = message;
        if (fields.exchange !== '' || fields.routingKey !== queue)
            return null;
        const { headers } = properties;
        const proof = headers?.[bus_constants_1.HEADERS.retrySeal];
        if (typeof proof !== 'string' || headers === undefined)
            return null;
        const provenance = readProvenance(headers);
        if (provenance === null)
            return null;
        const expected = this.mac(queue, provenance, message.content);
        const given = Buffer.from(proof, 'base64url');
        return given.length === expected.length && (0, node_crypto_1.timingSafeEqual)(given, expected) ? provenance : null;
    }
    mac(queue, provenance, content) {
        const fields = JSON.stringify([queue, provenance.exchange, provenance.routingKey, provenance.retryCount]);
        return (0, node_crypto_1.createHmac)('sha256', this.key).update(fields).update('\n').update(content).digest();
    }
}
exports.RetrySeal = RetrySeal;
function readProvenance(headers) {
    const routingKey = headers[bus_constants_1.HEADERS.originalRoutingKey];
    const exchange = headers[bus_constants_1.HEADERS.originalExchange];
    const retryCount = headers[bus_constants_1.HEADERS.retryCount] ?? 0;
    if (typeof routingKey !== 'string' || typeof exchange !== 'string')
        return null;
    if (Buffer.byteLength(routingKey) > bus_constants_1.MAX_ROUTING_KEY_BYTES)
        return null;
    if (Buffer.byteLength(exchange) > bus_constants_1.MAX_ROUTING_KEY_BYTES)
        return null;
    if (typeof retryCount !== 'number' || !Number.isSafeInteger(retryCount) || retryCount < 0)
        return null;
    return { routingKey, exchange, retryCount };
}
function deliveredProvenance(message) {
    return { routingKey: message.fields.routingKey, exchange: message.fields.exchange, retryCount: 0 };
}
