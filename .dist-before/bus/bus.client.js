"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.BusClient = void 0;
const microservices_1 = require("@nestjs/microservices");
const bus_message_1 = require("./bus.message");
class BusClient extends microservices_1.ClientProxy {
    async request(pattern, data, options = {}) {
        await this.connect();
        return new Promise((resolve, reject) => {
            let last;
            this.sendRequest((0, bus_message_1.toRoutingKey)(pattern), data, options.timeoutMs ?? this.requestTimeoutMs, ({ err, response, isDisposed }) => {
                if (err)
                    return reject(err);
                if (response !== undefined)
                    last = response;
                if (isDisposed)
                    resolve(last);
            });
        });
    }
    publish(packet, callback) {
        try {
            return this.sendRequest((0, bus_message_1.toRoutingKey)(packet.pattern), packet.data, this.requestTimeoutMs, callback);
        }
        catch (error) {
            callback({ err: error });
            return () => undefined;
        }
    }
    dispatchEvent(packet) {
        return this.publishEvent((0, bus_message_1.toRoutingKey)(packet.pattern), packet.data);
    }
    on() {
        throw new Error('The bus client reports its state through logs and metrics, not events');
    }
}
exports.BusClient = BusClient;
