"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.advisoryLockKey = advisoryLockKey;
const node_crypto_1 = require("node:crypto");
function advisoryLockKey(job) {
    return (0, node_crypto_1.createHash)('sha256').update(job).digest().readInt32BE(0);
}
