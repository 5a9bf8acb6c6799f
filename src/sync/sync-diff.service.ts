import { InstancePk } from './cqrs-message';
import { MasterRows } from './master-rows';
import { ReplicaRevisionSource } from './replica-revisions';
import { SyncRegistry } from './sync.registry';

/** A master row the replica lacks; `replicaTombstone` when the replica deleted it (and at which revision). */
export interface MissingOnReplica {
  readonly pk: InstancePk;
  readonly masterRevision: number;
  readonly replicaTombstone: number | null;
}

/** A replica row whose master row no longer exists. */
export interface ExtraOnReplica {
  readonly pk: InstancePk;
  readonly replicaRevision: number;
}

export interface RevisionDiffers {
  readonly pk: InstancePk;
  readonly masterRevision: number;
  readonly replicaRevision: number;
}

export interface SyncDiffReport {
  readonly cqrsId: string;
  /** The replica compared with, e.g. `replica billing`. */
  readonly replica: string;
  /** Master rows compared (the rows that sync). */
  readonly masterRows: number;
  /** Replica rows walked. */
  readonly replicaRows: number;
  readonly missing: MissingOnReplica[];
  readonly extra: ExtraOnReplica[];
  readonly revisionDiffers: RevisionDiffers[];
}

export function differenceCount(report: SyncDiffReport): number {
  return report.missing.length + report.extra.length + report.revisionDiffers.length;
}

export type DiffPhase = 'master' | 'replica';

export interface DiffOptions {
  /** Rows per page and per request (default 1000). */
  readonly pageSize?: number;
  /** After each page: which pass, rows done, rows in all (the total may grow while it runs). */
  readonly onProgress?: (phase: DiffPhase, done: number, total: number) => void;
}

const DEFAULT_PAGE = 1_000;

/**
 * Compares a master's rows with one replica's, by pk and `cqrs_revision`, in two paged passes so
 * neither side is held in memory: the master's rows asked for on the replica (missing there, or
 * another revision), then the replica's rows looked up on the master (extra there). On a live
 * system a change in flight shows up as a difference until the replica applied it.
 */
export class SyncDiff {
  constructor(private readonly registry: SyncRegistry) {}

  async compare(
    cqrsId: string,
    replica: ReplicaRevisionSource,
    options: DiffOptions = {},
  ): Promise<SyncDiffReport> {
    const master = this.registry.master(cqrsId);
    const rows = new MasterRows(master.master, this.registry.transactions);
    const pageSize = options.pageSize ?? DEFAULT_PAGE;
    const missing: MissingOnReplica[] = [];
    const revisionDiffers: RevisionDiffers[] = [];
    const extra: ExtraOnReplica[] = [];

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
    let after: InstancePk | null = null;
    do {
      const page = await replica.page(cqrsId, after, pageSize);
      if (page.total !== null) replicaTotal = page.total;
      const existing = await rows.existing(page.rows.map(([pk]) => pk));
      for (const [pk, replicaRevision] of page.rows)
        if (!existing.has(String(pk))) extra.push({ pk, replicaRevision });
      replicaRows += page.rows.length;
      replicaTotal = Math.max(replicaTotal, replicaRows);
      options.onProgress?.('replica', replicaRows, replicaTotal);
      after = page.next;
    } while (after !== null);

    return { cqrsId, replica: replica.description, masterRows, replicaRows, missing, extra, revisionDiffers };
  }
}
