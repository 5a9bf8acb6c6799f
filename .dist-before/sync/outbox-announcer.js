"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.OutboxAnnouncer = void 0;
const common_1 = require("@nestjs/common");
const bus_errors_1 = require("../bus/bus.errors");
const sync_constants_1 = require("./sync.constants");
const WARN_EVERY_MS = 60_000;
class OutboxAnnouncer {
    dataSource;
    logger = new common_1.Logger('OutboxAnnouncer');
    current = null;
    next = null;
    lastWarnedAt = 0;
    constructor(dataSource) {
        this.dataSource = dataSource;
    }
    announce() {
        if (!this.current) {
            this.current = this.send().finally(() => (this.current = null));
            return this.current;
        }
        this.next ??= this.current.then(() => {
            this.next = null;
            return this.announce();
        });
        return this.next;
    }
    async send() {
        if (!this.dataSource.isInitialized)
            return;
        try {
            await this.dataSource.query('SELECT pg_notify($1, $2)', [sync_constants_1.OUTBOX_NOTIFY_CHANNEL, '']);
        }
        catch (error) {
            if (!this.dataSource.isInitialized || Date.now() - this.lastWarnedAt < WARN_EVERY_MS)
                return;
            this.lastWarnedAt = Date.now();
            this.logger.warn(`could not NOTIFY the relays (${(0, bus_errors_1.describeError)(error)}); they publish at their next poll`);
        }
    }
}
exports.OutboxAnnouncer = OutboxAnnouncer;
