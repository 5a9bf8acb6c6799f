"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.matchesTopic = matchesTopic;
exports.hasWildcard = hasWildcard;
exports.findMatchingPattern = findMatchingPattern;
const bus_constants_1 = require("./bus.constants");
function matchesTopic(pattern, routingKey) {
    const words = pattern.split('.');
    let reached = new Uint8Array(words.length + 1);
    reached[0] = 1;
    skipHashes(words, reached);
    for (const word of routingKey.split('.')) {
        const next = new Uint8Array(words.length + 1);
        let any = false;
        for (let p = 0; p < words.length; p++) {
            if (!reached[p])
                continue;
            if (words[p] === '#')
                next[p] = 1;
            else if (words[p] === '*' || words[p] === word)
                next[p + 1] = 1;
            else
                continue;
            any = true;
        }
        if (!any)
            return false;
        skipHashes(words, next);
        reached = next;
    }
    return reached[words.length] === 1;
}
function skipHashes(words, reached) {
    for (let p = 0; p < words.length; p++)
        if (reached[p] && words[p] === '#')
            reached[p + 1] = 1;
}
function hasWildcard(pattern) {
    return pattern.split('.').some((word) => word === '*' || word === '#');
}
function findMatchingPattern(patterns, routingKey) {
    if (routingKey.length > bus_constants_1.MAX_ROUTING_KEY_BYTES / 3 && Buffer.byteLength(routingKey) > bus_constants_1.MAX_ROUTING_KEY_BYTES)
        return null;
    let wildcardMatch = null;
    for (const pattern of patterns) {
        if (pattern === routingKey)
            return pattern;
        if (wildcardMatch === null && hasWildcard(pattern) && matchesTopic(pattern, routingKey))
            wildcardMatch = pattern;
    }
    return wildcardMatch;
}
