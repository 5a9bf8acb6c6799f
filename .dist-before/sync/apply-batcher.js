"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ApplyBatcher = void 0;
class ApplyBatcher {
    maxBatch;
    runBatch;
    queue = [];
    isRunning = false;
    constructor(maxBatch, runBatch) {
        this.maxBatch = maxBatch;
        this.runBatch = runBatch;
        if (!Number.isInteger(maxBatch) || maxBatch < 1)
            throw new Error(`maxBatch must be ≥ 1, got ${maxBatch}`);
    }
    submit(key, item) {
        return new Promise((resolve, reject) => {
            this.queue.push({ item, key, resolve, reject });
            if (!this.isRunning) {
                this.isRunning = true;
                setImmediate(() => void this.drain());
            }
        });
    }
    async drain() {
        while (this.queue.length > 0) {
            const batch = this.take();
            let outcomes;
            try {
                outcomes = await this.runBatch(batch.map((pending) => pending.item));
            }
            catch (error) {
                outcomes = batch.map(() => ({ ok: false, error }));
            }
            batch.forEach((pending, i) => {
                const outcome = outcomes[i];
                if (outcome.ok)
                    pending.resolve(outcome.value);
                else
                    pending.reject(outcome.error);
            });
        }
        this.isRunning = false;
    }
    take() {
        const batch = [];
        const rest = [];
        const keys = new Set();
        for (const pending of this.queue) {
            if (batch.length < this.maxBatch && !keys.has(pending.key))
                batch.push(pending);
            else
                rest.push(pending);
            keys.add(pending.key);
        }
        this.queue = rest;
        return batch;
    }
}
exports.ApplyBatcher = ApplyBatcher;
