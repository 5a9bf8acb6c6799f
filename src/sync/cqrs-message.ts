/**
 * The django-cqrs message body (specs/cqrs-wire-format.md §4): types, the consumer's decoding
 * rules and the producer's exact encoding. Pure functions, no Nest, no I/O.
 */

export type SignalType = 'SAVE' | 'DELETE' | 'SYNC';
export const SIGNAL_TYPES: readonly SignalType[] = ['SAVE', 'DELETE', 'SYNC'];

export type InstancePk = number | string;
export type JsonObject = Record<string, unknown>;

/** The nine keys, in the order django-cqrs writes them. */
export interface CqrsBody {
  readonly signal_type: SignalType;
  readonly cqrs_id: string;
  readonly instance_data: JsonObject;
  readonly previous_data: JsonObject | null;
  readonly instance_pk: InstancePk | null;
  readonly correlation_id: unknown;
  readonly retries: number;
  /** Timezone-aware ISO-8601 without microseconds (`2026-11-26T20:00:00+00:00`), or null = never. */
  readonly expires: string | null;
  readonly meta: unknown;
}

export const BODY_KEYS: readonly (keyof CqrsBody)[] = [
  'signal_type',
  'cqrs_id',
  'instance_data',
  'previous_data',
  'instance_pk',
  'correlation_id',
  'retries',
  'expires',
  'meta',
];
const REQUIRED_KEYS = ['signal_type', 'cqrs_id', 'instance_data', 'instance_pk'] as const;

/** A body that passed the consumer's checks, with the optional keys filled in. */
export interface DecodedMessage {
  readonly body: CqrsBody;
  /** Parsed `expires`; null = never expires. A missing `expires` is now + the local TTL. */
  readonly expiresAt: Date | null;
}

/** Why a body cannot be used at all: it is parked in the dead-letter queue with this reason. */
export type DecodeFailureReason = 'unparsable-body' | 'invalid-body';

export class CqrsDecodeError extends Error {
  constructor(
    readonly reason: DecodeFailureReason,
    detail: string,
    /** The `cqrs_id` when the body had a usable one (it picks the dead-letter routing key). */
    readonly cqrsId: string | null = null,
  ) {
    super(detail);
    this.name = 'CqrsDecodeError';
  }
}

/**
 * Decodes a delivery the way a tolerant django-cqrs consumer does: the four required keys must be
 * present; `retries` missing/null → 0, `expires` missing → now + `ttlSeconds`, `previous_data`,
 * `correlation_id`, `meta` missing → null; extra keys ignored. Wrong types throw CqrsDecodeError.
 */
export function decodeCqrsMessage(
  content: Buffer,
  ttlSeconds: number | null,
  now = new Date(),
): DecodedMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content.toString('utf8'));
  } catch (error) {
    throw new CqrsDecodeError('unparsable-body', `body is not JSON: ${(error as Error).message}`);
  }
  if (!isObject(parsed)) throw new CqrsDecodeError('invalid-body', 'body is not a JSON object');
  const cqrsId = typeof parsed.cqrs_id === 'string' && parsed.cqrs_id !== '' ? parsed.cqrs_id : null;
  const invalid = (detail: string): CqrsDecodeError => new CqrsDecodeError('invalid-body', detail, cqrsId);

  const missing = REQUIRED_KEYS.filter((key) => !(key in parsed));
  if (missing.length > 0) throw invalid(`required key(s) missing: ${missing.join(', ')}`);
  const signalType = parsed.signal_type;
  if (typeof signalType !== 'string' || !SIGNAL_TYPES.includes(signalType as SignalType))
    throw invalid(`signal_type must be SAVE, DELETE or SYNC, got ${JSON.stringify(signalType)}`);
  if (cqrsId === null) throw invalid('cqrs_id must be a non-empty string');
  if (!isObject(parsed.instance_data)) throw invalid('instance_data must be an object');
  const pk = parsed.instance_pk;
  if (pk !== null && typeof pk !== 'string' && typeof pk !== 'number')
    throw invalid('instance_pk must be a number, a string or null');
  const previous = parsed.previous_data ?? null;
  if (previous !== null && !isObject(previous)) throw invalid('previous_data must be an object or null');
  const retries = parsed.retries ?? 0;
  if (typeof retries !== 'number' || !Number.isInteger(retries) || retries < 0)
    throw invalid('retries must be an integer >= 0');

  let expires: string | null;
  let expiresAt: Date | null;
  if (!('expires' in parsed)) {
    // Django fills a missing `expires` from its own TTL; re-publishing then carries it.
    expiresAt = ttlSeconds === null ? null : new Date(now.getTime() + ttlSeconds * 1000);
    expires = expiresAt === null ? null : formatExpires(expiresAt);
  } else if (parsed.expires === null) {
    expires = null;
    expiresAt = null;
  } else {
    if (typeof parsed.expires !== 'string') throw invalid('expires must be a string or null');
    expiresAt = parseTimestamp(parsed.expires);
    if (expiresAt === null) throw invalid(`expires is not an ISO-8601 timestamp: ${parsed.expires}`);
    expires = parsed.expires;
  }
  return {
    body: {
      signal_type: signalType as SignalType,
      cqrs_id: cqrsId,
      instance_data: parsed.instance_data,
      previous_data: previous,
      instance_pk: pk,
      correlation_id: parsed.correlation_id ?? null,
      retries,
      expires,
      meta: 'meta' in parsed ? parsed.meta : null,
    },
    expiresAt,
  };
}

/**
 * The body as django-cqrs writes it (`ujson.dumps`): the nine keys in order, compact, non-ASCII
 * as `\uXXXX` and `/` as `\/`, so a Django sample decoded and encoded again is byte-identical.
 */
export function encodeCqrsBody(body: CqrsBody): Buffer {
  const ordered = {
    signal_type: body.signal_type,
    cqrs_id: body.cqrs_id,
    instance_data: body.instance_data,
    previous_data: body.previous_data,
    instance_pk: body.instance_pk,
    correlation_id: body.correlation_id ?? null,
    retries: body.retries,
    expires: body.expires,
    meta: body.meta ?? null,
  };
  return Buffer.from(ujsonEscape(JSON.stringify(ordered)), 'ascii');
}

function ujsonEscape(json: string): string {
  return json.replace(/[/\u0080-\uffff]/g, (char) =>
    char === '/' ? '\\/' : `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Python `str(datetime)` of an aware UTC datetime: `2026-11-25 20:00:00.118000+00:00` (no fraction when 0). */
export function formatPythonDatetime(date: Date): string {
  const iso = date.toISOString(); // 2026-11-25T20:00:00.118Z
  const ms = date.getUTCMilliseconds();
  const fraction = ms === 0 ? '' : `.${String(ms * 1000).padStart(6, '0')}`;
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${fraction}+00:00`;
}

/** `expires` as Django writes it: `(now + ttl).replace(microsecond=0).isoformat()`. */
export function formatExpires(date: Date): string {
  return `${date.toISOString().slice(0, 19)}+00:00`;
}

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * Parses the timestamps django-cqrs peers send: `2026-11-25 20:00:00.118204+00:00` (Python
 * `str()`), `2026-11-20T08:15:30.250000Z` (DRF), with or without a fraction or seconds. A value
 * without an offset is UTC (a Django master with USE_TZ=False). Sub-millisecond digits are cut.
 */
export function parseTimestamp(text: string): Date | null {
  const match = TIMESTAMP.exec(text.trim());
  if (!match) return null;
  const [, year, month, day, hour, minute, second = '0', fraction = '', zone] = match;
  const ms = Number(fraction.slice(0, 3).padEnd(3, '0'));
  const local = new Date(Date.UTC(+year, +month - 1, +day, +hour, +minute, +second, ms));
  // Date.UTC rolls 2026-02-30 over to March; a value that does not round-trip is not a date.
  if (
    local.getUTCFullYear() !== +year ||
    local.getUTCMonth() !== +month - 1 ||
    local.getUTCDate() !== +day ||
    local.getUTCHours() !== +hour ||
    local.getUTCMinutes() !== +minute ||
    local.getUTCSeconds() !== +second
  )
    return null;
  if (!zone || zone.toUpperCase() === 'Z') return local;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
  return new Date(local.getTime() - sign * offsetMinutes * 60_000);
}

/** Values as a Django master's field serialization gives them (dates as Python `str()`). */
export function toWireValue(value: unknown): unknown {
  if (value instanceof Date) return formatPythonDatetime(value);
  if (typeof value === 'bigint') return Number(value);
  return value === undefined ? null : value;
}

/** The pk as `instance_pk` carries it: numbers stay numbers, anything else its string form. */
export function toInstancePk(value: unknown): InstancePk {
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return formatPythonDatetime(value);
  return String(value);
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
