"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.DURATION_EXAMPLES = exports.EnvReader = void 0;
exports.parseDurationMs = parseDurationMs;
exports.formatMs = formatMs;
const settings_error_1 = require("./settings-error");
const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);
class EnvReader {
    raw;
    constructor(raw) {
        this.raw = raw;
    }
    string(name) {
        const value = this.raw[name]?.trim();
        return value === undefined || value === '' ? undefined : value;
    }
    has(name) {
        return this.string(name) !== undefined;
    }
    namesMatching(pattern) {
        return Object.keys(this.raw)
            .filter((name) => pattern.test(name) && this.has(name))
            .sort();
    }
    bool(name, fallback) {
        const value = this.string(name)?.toLowerCase();
        if (value === undefined)
            return fallback;
        if (TRUE_WORDS.has(value))
            return true;
        if (FALSE_WORDS.has(value))
            return false;
        throw new settings_error_1.SettingsError(name, 'must be true/false/1/0');
    }
    integer(name, fallback, range) {
        const value = this.string(name);
        if (value === undefined)
            return fallback;
        if (!/^-?\d+$/.test(value))
            throw new settings_error_1.SettingsError(name, 'must be a whole number');
        const parsed = Number(value);
        if (parsed < range.min || parsed > range.max) {
            throw new settings_error_1.SettingsError(name, `must be between ${range.min} and ${range.max}`);
        }
        return parsed;
    }
    milliseconds(name, fallbackMs, range) {
        const value = this.string(name);
        if (value === undefined)
            return fallbackMs;
        const parsed = parseDurationMs(value);
        if (parsed === null)
            throw new settings_error_1.SettingsError(name, `must be a duration such as ${exports.DURATION_EXAMPLES}`);
        if (parsed < range.min || parsed > range.max) {
            throw new settings_error_1.SettingsError(name, `must be between ${formatMs(range.min)} and ${formatMs(range.max)}`);
        }
        return parsed;
    }
    seconds(name, fallback, range) {
        const ms = this.milliseconds(name, fallback * 1000, { min: range.min * 1000, max: range.max * 1000 });
        if (ms % 1000 !== 0)
            throw new settings_error_1.SettingsError(name, 'must be a whole number of seconds');
        return ms / 1000;
    }
    csv(name, fallback) {
        const value = this.string(name);
        if (value === undefined)
            return [...fallback];
        const items = value
            .split(',')
            .map((item) => item.trim())
            .filter((item) => item !== '');
        if (items.length === 0)
            throw new settings_error_1.SettingsError(name, 'must list at least one value');
        return items;
    }
    oneOf(name, allowed, fallback) {
        const value = this.string(name)?.toLowerCase();
        if (value === undefined)
            return fallback;
        if (!allowed.includes(value)) {
            throw new settings_error_1.SettingsError(name, `must be one of ${allowed.join(', ')}`);
        }
        return value;
    }
}
exports.EnvReader = EnvReader;
exports.DURATION_EXAMPLES = '500ms, 30s, 15m, 12h or 7d';
const DURATION_UNITS_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
function parseDurationMs(text) {
    const match = /^(\d+)\s*(ms|s|m|h|d)?$/i.exec(text.trim());
    if (!match)
        return null;
    return Number(match[1]) * DURATION_UNITS_MS[(match[2] ?? 's').toLowerCase()];
}
function formatMs(ms) {
    return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
