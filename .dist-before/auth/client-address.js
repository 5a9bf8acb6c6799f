"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.clientKeyOf = clientKeyOf;
const node_net_1 = require("node:net");
function clientKeyOf(address) {
    const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
    const withoutZone = bare.split('%', 1)[0];
    if ((0, node_net_1.isIPv4)(withoutZone))
        return withoutZone;
    if (!(0, node_net_1.isIPv6)(withoutZone))
        return withoutZone;
    const groups = expandIPv6(withoutZone);
    const mapped = /^0:0:0:0:0:ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(groups.join(':'));
    if (mapped) {
        const high = parseInt(mapped[1], 16);
        const low = parseInt(mapped[2], 16);
        return [high >> 8, high & 255, low >> 8, low & 255].join('.');
    }
    return `${groups.slice(0, 4).join(':')}::/64`;
}
function expandIPv6(address) {
    let text = address.toLowerCase();
    const ipv4Tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
    if (ipv4Tail) {
        const [a, b, c, d] = ipv4Tail[1].split('.').map(Number);
        text = `${text.slice(0, -ipv4Tail[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
    }
    const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
    const left = head === '' ? [] : head.split(':');
    const right = tail === undefined || tail === '' ? [] : tail.split(':');
    const middle = tail === undefined ? [] : Array(8 - left.length - right.length).fill('0');
    return [...left, ...middle, ...right].map((group) => parseInt(group, 16).toString(16));
}
