"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.registerHostCheck = registerHostCheck;
const error_body_1 = require("./error-body");
const HOST_EXEMPT_PATHS = new Set(['/health/live', '/health/ready', '/metrics']);
const MAX_CACHED_HOSTS = 1000;
function registerHostCheck(fastify, allowedHosts) {
    if (allowedHosts.includes('*'))
        return;
    const exact = new Set(allowedHosts.filter((host) => !host.startsWith('.')));
    const suffixes = allowedHosts.filter((host) => host.startsWith('.'));
    const isAllowed = (hostname) => exact.has(hostname) ||
        suffixes.some((suffix) => hostname === suffix.slice(1) || hostname.endsWith(suffix));
    const verdicts = new Map();
    const isAllowedHeader = (header) => {
        let verdict = verdicts.get(header);
        if (verdict === undefined) {
            verdict = isAllowed(hostWithoutPort(header));
            if (verdicts.size >= MAX_CACHED_HOSTS)
                verdicts.clear();
            verdicts.set(header, verdict);
        }
        return verdict;
    };
    fastify.addHook('onRequest', (request, reply, done) => {
        const header = request.headers.host ?? '';
        if (isAllowedHeader(header) || HOST_EXEMPT_PATHS.has(request.url.split('?', 1)[0]))
            return done();
        const hostname = hostWithoutPort(header);
        const shown = hostname.length > 100 ? `${hostname.slice(0, 100)}…` : hostname;
        void reply.status(400).send((0, error_body_1.errorBody)(400, `Invalid Host header "${shown}": add it to ALLOWED_HOSTS`));
    });
}
function hostWithoutPort(host) {
    const lower = host.trim().toLowerCase();
    if (lower.startsWith('['))
        return lower.slice(0, lower.indexOf(']') + 1);
    return lower.replace(/:\d+$/, '');
}
