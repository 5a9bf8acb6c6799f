"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.DiffStreamError = exports.NO_QUEUE = void 0;
exports.masterDiffHeader = masterDiffHeader;
exports.replicaDiffHeader = replicaDiffHeader;
exports.parseDiffHeader = parseDiffHeader;
exports.encodeDiffLine = encodeDiffLine;
exports.parseRevisionPackage = parseRevisionPackage;
exports.parsePkPackage = parsePkPackage;
exports.masterDiffLines = masterDiffLines;
exports.replicaDiffLines = replicaDiffLines;
exports.replicaPkLines = replicaPkLines;
exports.absentOnMasterLines = absentOnMasterLines;
exports.pythonSetRepr = pythonSetRepr;
exports.pythonListRepr = pythonListRepr;
const cqrs_message_1 = require("./cqrs-message");
exports.NO_QUEUE = 'None';
class DiffStreamError extends Error {
    constructor(message) {
        super(message);
        this.name = 'DiffStreamError';
    }
}
exports.DiffStreamError = DiffStreamError;
function masterDiffHeader(cqrsId, now) {
    return `${cqrsId},${(0, cqrs_message_1.formatPythonDatetime)(now)}`;
}
function replicaDiffHeader(masterHeader, queue) {
    return `${masterHeader.trim()},${queue ?? exports.NO_QUEUE}`;
}
function parseDiffHeader(line) {
    const fields = (line ?? '').trim().split(',');
    if (fields[0] === '')
        throw new DiffStreamError('the diff stream is empty: line 1 must be "<cqrs_id>,<time>"');
    const last = fields[fields.length - 1];
    return { cqrsId: fields[0], queue: fields.length >= 3 && last !== exports.NO_QUEUE ? last : null };
}
function encodeDiffLine(value) {
    return JSON.stringify(value).replace(/[/\u0080-\uffff]/g, (char) => char === '/' ? '\\/' : `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
function parseRevisionPackage(line) {
    const value = parseJsonLine(line);
    if (!Array.isArray(value))
        throw new DiffStreamError(`not a list of [pk, revision] pairs: ${cut(line)}`);
    return value.map((pair) => {
        if (!Array.isArray(pair) || pair.length !== 2 || !isPk(pair[0]) || typeof pair[1] !== 'number')
            throw new DiffStreamError(`not a [pk, revision] pair: ${cut(JSON.stringify(pair))}`);
        return [pair[0], pair[1]];
    });
}
function parsePkPackage(line) {
    const value = parseJsonLine(line);
    if (!Array.isArray(value) || !value.every(isPk))
        throw new DiffStreamError(`not a list of pks: ${cut(line)}`);
    return value;
}
async function* masterDiffLines(master, rows, where, batchSize, now) {
    yield masterDiffHeader(master.cqrsId, now);
    for await (const { rows: page } of rows.pages(where, batchSize))
        yield encodeDiffLine(page.map((row) => [master.instancePkOf(row), row.cqrsRevision]));
}
async function* replicaDiffLines(packages, cqrsId, reader, onDiffering) {
    for await (const line of packages) {
        if (line.trim() === '')
            continue;
        const pairs = parseRevisionPackage(line);
        if (pairs.length === 0)
            continue;
        const found = await reader.lookup(cqrsId, pairs.map(([pk]) => pk));
        const revisions = new Map(found.rows.map(([pk, revision]) => [String(pk), revision]));
        const differing = pairs
            .filter(([pk, revision]) => (revisions.get(String(pk)) ?? -1) !== revision)
            .map(([pk]) => pk);
        if (differing.length === 0)
            continue;
        onDiffering?.(differing);
        yield encodeDiffLine(differing);
    }
}
async function* replicaPkLines(cqrsId, reader, batchSize, now) {
    yield masterDiffHeader(cqrsId, now);
    let after = null;
    do {
        const page = await reader.page(cqrsId, after, batchSize);
        if (page.rows.length > 0)
            yield encodeDiffLine(page.rows.map(([pk]) => pk));
        after = page.next;
    } while (after !== null);
}
async function* absentOnMasterLines(packages, rows, onAbsent) {
    for await (const line of packages) {
        if (line.trim() === '')
            continue;
        const pks = parsePkPackage(line);
        const existing = await rows.existing(pks);
        const absent = pks.filter((pk) => !existing.has(String(pk)));
        if (absent.length === 0)
            continue;
        onAbsent?.(absent);
        yield encodeDiffLine(absent);
    }
}
function pythonSetRepr(pks) {
    return `{${pks.map((pk) => (typeof pk === 'number' ? String(pk) : `'${pk}'`)).join(', ')}}`;
}
function pythonListRepr(pks) {
    return `[${pks.map((pk) => (typeof pk === 'number' ? String(pk) : `'${pk}'`)).join(', ')}]`;
}
function parseJsonLine(line) {
    try {
        return JSON.parse(line);
    }
    catch {
        throw new DiffStreamError(`not a JSON line: ${cut(line)}`);
    }
}
function isPk(value) {
    return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}
function cut(text) {
    const line = text.trim();
    return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}
