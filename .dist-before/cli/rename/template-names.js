"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.MAX_NAME_LENGTH = exports.TEMPLATE_NAMES_FILE = void 0;
exports.nameProblem = nameProblem;
exports.namesFor = namesFor;
exports.readTemplateNames = readTemplateNames;
const node_fs_1 = require("node:fs");
const node_path_1 = require("node:path");
const cli_error_1 = require("../cli-error");
exports.TEMPLATE_NAMES_FILE = 'template.json';
const NAME_PATTERN = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
exports.MAX_NAME_LENGTH = 40;
function nameProblem(name) {
    if (name.length > exports.MAX_NAME_LENGTH)
        return `is ${name.length} characters, at most ${exports.MAX_NAME_LENGTH}`;
    if (!NAME_PATTERN.test(name)) {
        return 'must be lowercase letters, digits and "-", start with a letter and end with a letter or digit';
    }
    return undefined;
}
function namesFor(name) {
    return { name, secretName: `${name}-settings` };
}
function readTemplateNames(root) {
    const file = (0, node_path_1.join)(root, exports.TEMPLATE_NAMES_FILE);
    let parsed;
    try {
        parsed = JSON.parse((0, node_fs_1.readFileSync)(file, 'utf8'));
    }
    catch (error) {
        throw new cli_error_1.CliError(`cannot read ${file}: ${error.message.split('\n')[0]}`);
    }
    if (typeof parsed.name !== 'string' || typeof parsed.secretName !== 'string') {
        throw new cli_error_1.CliError(`${file} must hold "name" and "secretName" strings`);
    }
    return { name: parsed.name, secretName: parsed.secretName };
}
