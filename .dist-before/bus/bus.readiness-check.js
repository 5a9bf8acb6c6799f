"use strict";
var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
var __param = (this && this.__param) || function (paramIndex, decorator) {
    return function (target, key) { decorator(target, key, paramIndex); }
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.BusReadinessCheck = exports.BrokerDownError = void 0;
const common_1 = require("@nestjs/common");
const bus_client_1 = require("./bus.client");
const bus_constants_1 = require("./bus.constants");
class BrokerDownError extends Error {
    parts;
    constructor(parts) {
        super(`broker connection down: ${parts.join(', ')}`);
        this.parts = parts;
        this.name = 'BrokerDownError';
    }
}
exports.BrokerDownError = BrokerDownError;
let BusReadinessCheck = class BusReadinessCheck {
    client;
    name = 'broker';
    isCritical = false;
    servers = [];
    constructor(client) {
        this.client = client;
    }
    watch(server) {
        this.servers.push(server);
    }
    async check() {
        const down = [];
        if (!this.client.isConnected)
            down.push('publisher');
        if (this.servers.some((server) => !server.isConnected))
            down.push('consumer');
        if (down.length > 0)
            throw new BrokerDownError(down);
        return { publisher: 'up', consumers: this.servers.length };
    }
};
exports.BusReadinessCheck = BusReadinessCheck;
exports.BusReadinessCheck = BusReadinessCheck = __decorate([
    (0, common_1.Injectable)(),
    __param(0, (0, common_1.Inject)(bus_constants_1.BUS_CLIENT)),
    __metadata("design:paramtypes", [bus_client_1.BusClient])
], BusReadinessCheck);
