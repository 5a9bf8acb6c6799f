"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.REQUEST_ID_HEADER = void 0;
exports.requestIdOf = requestIdOf;
const node_crypto_1 = require("node:crypto");
exports.REQUEST_ID_HEADER = 'x-request-id';
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
function requestIdOf(request) {
    const incoming = request.headers[exports.REQUEST_ID_HEADER];
    return typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : (0, node_crypto_1.randomUUID)();
}
