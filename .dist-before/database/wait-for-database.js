"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.waitForDatabase = waitForDatabase;
const typeorm_1 = require("typeorm");
const data_source_1 = require("./data-source");
const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 10_000;
async function waitForDatabase(settings, options) {
    let delayMs = options.firstDelayMs ?? FIRST_DELAY_MS;
    const maxDelayMs = options.maxDelayMs ?? MAX_DELAY_MS;
    for (let attempt = 1;; attempt++) {
        const probe = new typeorm_1.DataSource({ ...(0, data_source_1.dataSourceOptions)(settings), migrations: [] });
        try {
            await probe.initialize();
            await probe.destroy();
            return;
        }
        catch (error) {
            await probe.destroy().catch(() => undefined);
            const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
            options.log(`database: attempt ${attempt} failed (${reason}); trying again in ${formatDelay(delayMs)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        delayMs = Math.min(delayMs * 2, maxDelayMs);
    }
}
function formatDelay(ms) {
    return ms < 1000 ? `${ms} ms` : `${ms / 1000} s`;
}
