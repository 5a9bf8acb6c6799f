import { formatPythonDatetime, InstancePk } from './cqrs-message';
import { MasterRows, MasterWhere } from './master-rows';
import { ResolvedMaster } from './master.definition';
import { ReplicaTableReader, RevisionPair } from './replica-revisions';

/**
 * django-cqrs's text diff pipeline (spec §7), line for line, so a service built from this
 * template can stand on either side of a pipe with Django peers:
 *
 *   master: cqrs_diff_master --cqrs-id X   →  `X,<str(now)>` then one `[[pk, revision], …]` per batch
 *   replica: cqrs_diff_replica              →  `X,<str(now)>,<queue>` then `[pk, …]` per batch that differs
 *   master: cqrs_diff_sync                  →  SYNC of each pk list to <queue> (`None` = every replica)
 *
 * and for rows the master no longer has:
 *
 *   replica: cqrs_deleted_diff_replica --cqrs-id X  →  `X,<str(now)>` then one `[pk, …]` per batch
 *   master: cqrs_deleted_diff_master                →  line 1 again, then the `[pk, …]` it does not have
 *   replica: cqrs_deleted_sync_replica              →  deletes those rows
 */

/** What django-cqrs writes for a service without a queue (`dj_cqrs.constants.NO_QUEUE`). */
export const NO_QUEUE = 'None';

export class DiffStreamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DiffStreamError';
  }
}

/** Line 1 of `cqrs_diff_master`: `<cqrs_id>,<str(now())>`. */
export function masterDiffHeader(cqrsId: string, now: Date): string {
  return `${cqrsId},${formatPythonDatetime(now)}`;
}

/** Line 1 of `cqrs_diff_replica`: the master's line 1, stripped, then `,<queue>`. */
export function replicaDiffHeader(masterHeader: string, queue: string | null): string {
  return `${masterHeader.trim()},${queue ?? NO_QUEUE}`;
}

/** `cqrs_id` is the first comma field; the queue (replica header) the last, `None` meaning none. */
export function parseDiffHeader(line: string | undefined): { cqrsId: string; queue: string | null } {
  const fields = (line ?? '').trim().split(',');
  if (fields[0] === '')
    throw new DiffStreamError('the diff stream is empty: line 1 must be "<cqrs_id>,<time>"');
  const last = fields[fields.length - 1];
  return { cqrsId: fields[0], queue: fields.length >= 3 && last !== NO_QUEUE ? last : null };
}

/** One JSON line as ujson.dumps writes it: compact, ASCII only, `/` escaped. */
export function encodeDiffLine(value: unknown): string {
  return JSON.stringify(value).replace(/[/\u0080-\uffff]/g, (char) =>
    char === '/' ? '\\/' : `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** A `cqrs_diff_master` package: `[[pk, revision], …]`. */
export function parseRevisionPackage(line: string): RevisionPair[] {
  const value = parseJsonLine(line);
  if (!Array.isArray(value)) throw new DiffStreamError(`not a list of [pk, revision] pairs: ${cut(line)}`);
  return value.map((pair) => {
    if (!Array.isArray(pair) || pair.length !== 2 || !isPk(pair[0]) || typeof pair[1] !== 'number')
      throw new DiffStreamError(`not a [pk, revision] pair: ${cut(JSON.stringify(pair))}`);
    return [pair[0], pair[1]];
  });
}

/** A `cqrs_diff_replica` package: `[pk, …]`. */
export function parsePkPackage(line: string): InstancePk[] {
  const value = parseJsonLine(line);
  if (!Array.isArray(value) || !value.every(isPk))
    throw new DiffStreamError(`not a list of pks: ${cut(line)}`);
  return value;
}

/** `cqrs_diff_master`: the header, then the (pk, revision) pairs of each batch, in pk order. */
export async function* masterDiffLines(
  master: ResolvedMaster,
  rows: MasterRows,
  where: MasterWhere | undefined,
  batchSize: number,
  now: Date,
): AsyncGenerator<string> {
  yield masterDiffHeader(master.cqrsId, now);
  for await (const { rows: page } of rows.pages(where, batchSize))
    yield encodeDiffLine(page.map((row) => [master.instancePkOf(row), row.cqrsRevision]));
}

/**
 * `cqrs_diff_replica`: for each master package, the pks this replica lacks or holds at another
 * revision (a line only when there are some). `onDiffering` gets them too (Django logs them).
 */
export async function* replicaDiffLines(
  packages: AsyncIterable<string>,
  cqrsId: string,
  reader: ReplicaTableReader,
  onDiffering?: (pks: readonly InstancePk[]) => void,
): AsyncGenerator<string> {
  for await (const line of packages) {
    if (line.trim() === '') continue;
    const pairs = parseRevisionPackage(line);
    if (pairs.length === 0) continue;
    const found = await reader.lookup(
      cqrsId,
      pairs.map(([pk]) => pk),
    );
    const revisions = new Map(found.rows.map(([pk, revision]) => [String(pk), revision]));
    const differing = pairs
      .filter(([pk, revision]) => (revisions.get(String(pk)) ?? -1) !== revision)
      .map(([pk]) => pk);
    if (differing.length === 0) continue;
    onDiffering?.(differing);
    yield encodeDiffLine(differing);
  }
}

/** `cqrs_deleted_diff_replica`: the header, then every replica pk, a batch per line, in pk order. */
export async function* replicaPkLines(
  cqrsId: string,
  reader: ReplicaTableReader,
  batchSize: number,
  now: Date,
): AsyncGenerator<string> {
  yield masterDiffHeader(cqrsId, now);
  let after: InstancePk | null = null;
  do {
    const page = await reader.page(cqrsId, after, batchSize);
    if (page.rows.length > 0) yield encodeDiffLine(page.rows.map(([pk]) => pk));
    after = page.next;
  } while (after !== null);
}

/** `cqrs_deleted_diff_master`: for each replica package, the pks this master does not have. */
export async function* absentOnMasterLines(
  packages: AsyncIterable<string>,
  rows: MasterRows,
  onAbsent?: (pks: readonly InstancePk[]) => void,
): AsyncGenerator<string> {
  for await (const line of packages) {
    if (line.trim() === '') continue;
    const pks = parsePkPackage(line);
    const existing = await rows.existing(pks);
    const absent = pks.filter((pk) => !existing.has(String(pk)));
    if (absent.length === 0) continue;
    onAbsent?.(absent);
    yield encodeDiffLine(absent);
  }
}

/** How Django prints the set of pks to resync (`PK to resync: {1, 2}`), for the log line. */
export function pythonSetRepr(pks: readonly InstancePk[]): string {
  return `{${pks.map((pk) => (typeof pk === 'number' ? String(pk) : `'${pk}'`)).join(', ')}}`;
}

/** How Django prints the list of pks to delete (`PK to delete: ['a', 'b']`). */
export function pythonListRepr(pks: readonly InstancePk[]): string {
  return `[${pks.map((pk) => (typeof pk === 'number' ? String(pk) : `'${pk}'`)).join(', ')}]`;
}

function parseJsonLine(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    throw new DiffStreamError(`not a JSON line: ${cut(line)}`);
  }
}

function isPk(value: unknown): value is InstancePk {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}

function cut(text: string): string {
  const line = text.trim();
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}
