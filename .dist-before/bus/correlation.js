"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.correlationScope = void 0;
exports.currentCorrelationId = currentCorrelationId;
const node_async_hooks_1 = require("node:async_hooks");
exports.correlationScope = new node_async_hooks_1.AsyncLocalStorage();
function currentCorrelationId() {
    return exports.correlationScope.getStore();
}
