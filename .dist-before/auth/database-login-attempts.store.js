"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.DatabaseLoginAttemptsStore = void 0;
const node_crypto_1 = require("node:crypto");
const common_1 = require("@nestjs/common");
class DatabaseLoginAttemptsStore {
    dataSource;
    secretKey;
    logger = new common_1.Logger(DatabaseLoginAttemptsStore.name);
    nextPruneAtMs = 0;
    constructor(dataSource, secretKey) {
        this.dataSource = dataSource;
        this.secretKey = secretKey;
    }
    async hit(kind, key, windowMs) {
        const now = Date.now();
        const [sql, parameters] = this.dataSource.driver.escapeQueryWithParameters(`INSERT INTO login_attempts (id, attempts, window_ends_at) VALUES (:id, 1, :windowEndsAt)
       ON CONFLICT (id) DO UPDATE SET
         attempts = CASE WHEN login_attempts.window_ends_at <= :now THEN 1 ELSE login_attempts.attempts + 1 END,
         window_ends_at = CASE WHEN login_attempts.window_ends_at <= :now THEN :windowEndsAt ELSE login_attempts.window_ends_at END
       RETURNING attempts, window_ends_at`, { id: this.rowId(kind, key), now, windowEndsAt: now + windowMs });
        const rows = await this.dataSource.query(sql, parameters);
        if (now >= this.nextPruneAtMs)
            this.prune(now, windowMs);
        return { count: Number(rows[0].attempts), resetAtMs: Number(rows[0].window_ends_at) };
    }
    rowId(kind, key) {
        return (0, node_crypto_1.createHmac)('sha256', this.secretKey).update(`${kind}\n${key}`).digest('base64url');
    }
    prune(now, windowMs) {
        this.nextPruneAtMs = now + windowMs;
        this.dataSource
            .createQueryBuilder()
            .delete()
            .from('login_attempts')
            .where('window_ends_at <= :now', { now })
            .execute()
            .catch((error) => this.logger.warn(`could not prune login_attempts: ${error.message}`));
    }
}
exports.DatabaseLoginAttemptsStore = DatabaseLoginAttemptsStore;
