"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.StandInServer = void 0;
const node_http_1 = require("node:http");
class StandInServer {
    server;
    constructor(server) {
        this.server = server;
    }
    static async listen(port, host, state) {
        const server = (0, node_http_1.createServer)((request, response) => answer(request, response, state()));
        server.keepAliveTimeout = 0;
        await new Promise((resolve, reject) => {
            server.once('error', reject);
            server.listen(port, host, () => resolve());
        });
        return new StandInServer(server);
    }
    async close() {
        const closed = new Promise((resolve) => this.server.close(() => resolve()));
        this.server.closeAllConnections();
        await closed;
    }
}
exports.StandInServer = StandInServer;
function answer(request, response, state) {
    const path = (request.url ?? '/').split('?')[0].replace(/\/+$/, '');
    if (path === '/health/live')
        return send(response, 200, { status: 'ok', info: {}, error: {}, details: {} });
    if (path === '/health/ready')
        return send(response, 503, {
            statusCode: 503,
            message: `not ready: ${state}`,
            status: 'error',
            info: {},
            error: { [state]: { status: 'down' } },
            details: { [state]: { status: 'down' } },
        });
    const message = `starting: waiting for the ${state}`;
    send(response, 503, { statusCode: 503, error: 'Service Unavailable', message }, { 'retry-after': '5' });
}
function send(response, status, body, headers = {}) {
    response.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        connection: 'close',
        ...headers,
    });
    response.end(JSON.stringify(body));
}
