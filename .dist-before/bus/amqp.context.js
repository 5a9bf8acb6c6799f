"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.AmqpContext = void 0;
const microservices_1 = require("@nestjs/microservices");
class AmqpContext extends microservices_1.BaseRpcContext {
    failure = null;
    getMessage() {
        return this.args[0];
    }
    getChannelRef() {
        return this.args[1];
    }
    getPattern() {
        return this.args[2];
    }
    getRoutingKey() {
        return this.args[3].routingKey;
    }
    getExchange() {
        return this.args[3].exchange;
    }
    recordFailure(error) {
        this.failure ??= { error };
    }
    getFailure() {
        return this.failure;
    }
    getCorrelationId() {
        return this.args[0].properties.correlationId;
    }
}
exports.AmqpContext = AmqpContext;
