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

  /** A duration such as `300`, `300s`, `15m`, `12h` or `7d`, returned in seconds. */
  seconds(name: string, fallback: number, range: { min: number; max: number }): number {
    const value = this.string(name);
    if (value === undefined) return fallback;
    const match = /^(\d+)\s*(s|m|h|d)?$/i.exec(value);
    if (!match) throw new SettingsError(name, 'must be a duration such as 300, 15m, 12h or 7d');
    const unit = { s: 1, m: 60, h: 3600, d: 86400 }[(match[2] ?? 's').toLowerCase() as 's'];
    const parsed = Number(match[1]) * unit;
    if (parsed < range.min || parsed > range.max) {
      throw new SettingsError(name, `must be between ${range.min}s and ${range.max}s`);
    }
    return parsed;
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
