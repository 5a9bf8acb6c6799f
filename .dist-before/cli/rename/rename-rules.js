"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ALLOWED_LEFTOVERS = exports.UNTOUCHED_FILES = void 0;
exports.renameText = renameText;
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
exports.UNTOUCHED_FILES = [
    /^CHANGELOG\.md$/,
    /(^|\/)\.tools\//,
    /^src\/cli\/rename\//,
    /^test\/e2e\/(rename|template-update|generate-feature)[^/]*$/,
];
const CODE_FILE = /\.(ts|js|mjs|cjs)$/;
function keptPatterns(name) {
    const n = escape(name);
    return [
        new RegExp(`helm/${n}(?![\\w-])`, 'g'),
        new RegExp(`'helm', '${n}'`, 'g'),
        new RegExp(`\\{${n}-(space|common|image|domain)\\}`, 'g'),
        new RegExp(`\\b(a|an|the|NestJS|bus|each|every|one) ${n}(?![\\w.:/-])`, 'gi'),
        new RegExp(`(?<![\\w-])${n} (template|service|services)\\b`, 'g'),
    ];
}
const wordOf = (name) => new RegExp(`(?<![\\w])${escape(name)}(?![\\w])`, 'g');
const STRING_LITERAL = /'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g;
function renameText(path, text, from, to) {
    if (exports.UNTOUCHED_FILES.some((pattern) => pattern.test(path)))
        return text;
    const kept = [];
    let result = text;
    for (const pattern of keptPatterns(from.name)) {
        result = result.replace(pattern, (match) => `\uE000${kept.push(match) - 1}\uE000`);
    }
    result = result.split(from.secretName).join(to.secretName);
    const rewrite = (segment) => segment.replace(wordOf(from.name), to.name);
    result = CODE_FILE.test(path) ? result.replace(STRING_LITERAL, rewrite) : rewrite(result);
    return result.replace(/\uE000(\d+)\uE000/g, (_match, index) => kept[Number(index)]);
}
exports.ALLOWED_LEFTOVERS = [
    /@nestjs\/microservices|[A-Za-z]Microservices?\b|\bmicroservices\b|MICROSERVICE_/,
    /k8s_microservice|helm\/microservice|'helm', 'microservice'|\{microservice-(space|common|image|domain)\}/,
    /\b(a|an|the|NestJS|bus|each|every|one) microservice\b|microservice template/i,
    /\bmicroservice(Chart)?\b(?!['"-])/,
    /'m8e:scheduled-job'|tmpdir\(\), 'm8e-[a-z-]+-'/,
];
