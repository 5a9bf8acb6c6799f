"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.errorBody = errorBody;
const node_http_1 = require("node:http");
function errorBody(statusCode, message) {
    return { statusCode, error: node_http_1.STATUS_CODES[statusCode] ?? 'Error', message };
}
