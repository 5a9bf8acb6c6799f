import { SettingsError } from './settings-error';

export type RawEnv = Readonly<Record<string, string | undefined>>;

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

/**
 * Typed access to raw variables. Every reader names the variable in its error so the
 * caller never has to; values are never echoed because any of them may be a secret.
 */
export class EnvReader {
  constructor(private readonly raw: RawEnv) {}

  /** The trimmed value, or undefined when unset or blank. */
  string(name: string): string | undefined {
    const value = this.raw[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  has(name: string): boolean {
    return this.string(name) !== undefined;
  }

  /** Names of the set (non-blank) variables that match `pattern`, for families like JOB_<NAME>_*. */
  namesMatching(pattern: RegExp): string[] {
    return Object.keys(this.raw)
      .filter((name) => pattern.test(name) && this.has(name))
      .sort();
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.string(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (TRUE_WORDS.has(value)) return true;
    if (FALSE_WORDS.has(value)) return false;
    throw new SettingsError(name, 'must be true/false/1/0');
  }

  integer(name: string, fallback: number, range: { min: number; max: number }): number {
    const value = this.string(name);
    if (value === undefined) return fallback;
    if (!/^-?\d+$/.test(value)) throw new SettingsError(name, 'must be a whole number');
    const parsed = Number(value);
    if (parsed < range.min || parsed > range.max) {
      throw new SettingsError(name, `must be between ${range.min} and ${range.max}`);
    }
    return parsed;
  }

  /**
   * The one duration grammar of every setting: a whole number with a unit `ms`, `s`, `m`, `h` or
   * `d` (`500ms`, `30s`, `15m`, `12h`, `7d`); a bare number is seconds. Returned in milliseconds.
   */
  milliseconds(name: string, fallbackMs: number, range: { min: number; max: number }): number {
    const value = this.string(name);
    if (value === undefined) return fallbackMs;
    const parsed = parseDurationMs(value);
    if (parsed === null) throw new SettingsError(name, `must be a duration such as ${DURATION_EXAMPLES}`);
    if (parsed < range.min || parsed > range.max) {
      throw new SettingsError(name, `must be between ${formatMs(range.min)} and ${formatMs(range.max)}`);
    }
    return parsed;
  }

  /** A duration in the same grammar, for settings kept in whole seconds (`1500ms` is refused). */
  seconds(name: string, fallback: number, range: { min: number; max: number }): number {
    const ms = this.milliseconds(name, fallback * 1000, { min: range.min * 1000, max: range.max * 1000 });
    if (ms % 1000 !== 0) throw new SettingsError(name, 'must be a whole number of seconds');
    return ms / 1000;
  }

  csv(name: string, fallback: readonly string[]): string[] {
    const value = this.string(name);
    if (value === undefined) return [...fallback];
    const items = value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
    if (items.length === 0) throw new SettingsError(name, 'must list at least one value');
    return items;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.string(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(value)) {
      throw new SettingsError(name, `must be one of ${allowed.join(', ')}`);
    }
    return value as T;
  }
}

export const DURATION_EXAMPLES = '500ms, 30s, 15m, 12h or 7d';
const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds of `500ms`, `30s`, `15m`, `12h`, `7d` or a bare number of seconds; null if not one. */
export function parseDurationMs(text: string): number | null {
  const match = /^(\d+)\s*(ms|s|m|h|d)?$/i.exec(text.trim());
  if (!match) return null;
  return Number(match[1]) * DURATION_UNITS_MS[(match[2] ?? 's').toLowerCase()];
}

/** `250ms`, or whole seconds as `30s` (how range errors name their bounds). */
export function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
