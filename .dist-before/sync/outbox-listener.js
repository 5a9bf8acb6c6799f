"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.OutboxListener = void 0;
const common_1 = require("@nestjs/common");
const pg_1 = require("pg");
const bus_errors_1 = require("../bus/bus.errors");
const sync_constants_1 = require("./sync.constants");
const RECONNECT_MS = 1_000;
class OutboxListener {
    url;
    onNotify;
    logger = new common_1.Logger('OutboxListener');
    client = null;
    isStopped = false;
    retryTimer = null;
    constructor(url, onNotify) {
        this.url = url;
        this.onNotify = onNotify;
    }
    async start() {
        this.isStopped = false;
        await this.connect();
    }
    async stop() {
        this.isStopped = true;
        if (this.retryTimer)
            clearTimeout(this.retryTimer);
        const client = this.client;
        this.client = null;
        await client?.end().catch(() => undefined);
    }
    async connect() {
        if (this.isStopped)
            return;
        const client = new pg_1.Client({ connectionString: this.url, connectionTimeoutMillis: 5_000 });
        client.on('notification', () => this.onNotify());
        client.on('error', (error) => this.lost(client, error));
        client.on('end', () => this.lost(client));
        this.client = client;
        try {
            await client.connect();
            await client.query(`LISTEN ${sync_constants_1.OUTBOX_NOTIFY_CHANNEL}`);
            this.onNotify();
        }
        catch (error) {
            this.lost(client, error);
        }
    }
    lost(client, error) {
        if (this.client !== client)
            return;
        this.client = null;
        void client.end().catch(() => undefined);
        if (this.isStopped || this.retryTimer)
            return;
        if (error)
            this.logger.warn(`outbox LISTEN connection lost (${(0, bus_errors_1.describeError)(error)}); reconnecting`);
        this.retryTimer = setTimeout(() => {
            this.retryTimer = null;
            void this.connect();
        }, RECONNECT_MS);
        this.retryTimer.unref();
    }
}
exports.OutboxListener = OutboxListener;
