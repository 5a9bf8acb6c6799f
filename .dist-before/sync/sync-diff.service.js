"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.SyncDiff = void 0;
exports.differenceCount = differenceCount;
const master_rows_1 = require("./master-rows");
function differenceCount(report) {
    return report.missing.length + report.extra.length + report.revisionDiffers.length;
}
const DEFAULT_PAGE = 1_000;
class SyncDiff {
    registry;
    constructor(registry) {
        this.registry = registry;
    }
    async compare(cqrsId, replica, options = {}) {
        const master = this.registry.master(cqrsId);
        const rows = new master_rows_1.MasterRows(master.master, this.registry.transactions);
        const pageSize = options.pageSize ?? DEFAULT_PAGE;
        const missing = [];
        const revisionDiffers = [];
        const extra = [];
        let masterTotal = await rows.count();
        let masterRows = 0;
        let scanned = 0;
        for await (const { rows: page, scanned: inPage } of rows.pages(undefined, pageSize)) {
            const pks = page.map((row) => master.master.instancePkOf(row));
            const found = pks.length === 0 ? { rows: [], tombstones: [] } : await replica.lookup(cqrsId, pks);
            const revisions = new Map(found.rows.map(([pk, revision]) => [String(pk), revision]));
            const tombstones = new Map(found.tombstones.map(([pk, revision]) => [String(pk), revision]));
            page.forEach((row, index) => {
                const pk = pks[index];
                const replicaRevision = revisions.get(String(pk));
                if (replicaRevision === undefined)
                    missing.push({
                        pk,
                        masterRevision: row.cqrsRevision,
                        replicaTombstone: tombstones.get(String(pk)) ?? null,
                    });
                else if (replicaRevision !== row.cqrsRevision)
                    revisionDiffers.push({ pk, masterRevision: row.cqrsRevision, replicaRevision });
            });
            masterRows += page.length;
            scanned += inPage;
            masterTotal = Math.max(masterTotal, scanned);
            options.onProgress?.('master', scanned, masterTotal);
        }
        let replicaRows = 0;
        let replicaTotal = 0;
        let after = null;
        do {
            const page = await replica.page(cqrsId, after, pageSize);
            if (page.total !== null)
                replicaTotal = page.total;
            const existing = await rows.existing(page.rows.map(([pk]) => pk));
            for (const [pk, replicaRevision] of page.rows)
                if (!existing.has(String(pk)))
                    extra.push({ pk, replicaRevision });
            replicaRows += page.rows.length;
            replicaTotal = Math.max(replicaTotal, replicaRows);
            options.onProgress?.('replica', replicaRows, replicaTotal);
            after = page.next;
        } while (after !== null);
        return { cqrsId, replica: replica.description, masterRows, replicaRows, missing, extra, revisionDiffers };
    }
}
exports.SyncDiff = SyncDiff;
