"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.PROJECT_ROOT = void 0;
exports.loadSettings = loadSettings;
exports.loadSettingsOrExit = loadSettingsOrExit;
const node_fs_1 = require("node:fs");
const node_path_1 = require("node:path");
const settings_error_1 = require("./settings-error");
const settings_schema_1 = require("./settings.schema");
exports.PROJECT_ROOT = (0, node_path_1.resolve)(__dirname, '..', '..');
function loadSettings(options = {}) {
    const env = options.env ?? process.env;
    const file = options.localEnvFile === undefined ? defaultLocalEnvFile(env) : options.localEnvFile;
    const local = file === null ? {} : readLocalEnv(file);
    return (0, settings_schema_1.parseSettings)({ ...env, ...local }, { serviceName: packageName() });
}
function loadSettingsOrExit(options) {
    try {
        return loadSettings(options);
    }
    catch (error) {
        if (error instanceof settings_error_1.SettingsError) {
            process.stderr.write(`settings: ${error.message}\n`);
            process.exit(1);
        }
        throw error;
    }
}
function defaultLocalEnvFile(env) {
    const configured = env.LOCAL_ENV_FILE?.trim();
    if (configured === 'none')
        return null;
    return configured ? (0, node_path_1.resolve)(configured) : (0, node_path_1.join)(exports.PROJECT_ROOT, 'local_env.ts');
}
function readLocalEnv(file) {
    if (!(0, node_fs_1.existsSync)(file))
        return {};
    ensureTypeScriptLoader(file);
    let exported;
    try {
        const module = require(file);
        exported = module.default ?? module;
    }
    catch (error) {
        throw new settings_error_1.SettingsError('LOCAL_ENV_FILE', `could not be loaded (${file}): ${error.message.split('\n')[0]}`);
    }
    if (typeof exported !== 'object' || exported === null) {
        throw new settings_error_1.SettingsError('LOCAL_ENV_FILE', `${file} must export default an object of settings`);
    }
    const values = {};
    for (const [name, value] of Object.entries(exported)) {
        if (value === undefined)
            continue;
        if (value === null)
            values[name] = 'None';
        else if (['string', 'number', 'boolean'].includes(typeof value))
            values[name] = String(value);
        else
            throw new settings_error_1.SettingsError(name, `in ${file} must be a string, number, boolean or null`);
    }
    return values;
}
function ensureTypeScriptLoader(file) {
    if (!file.endsWith('.ts') || require.extensions['.ts'])
        return;
    try {
        require('@swc-node/register');
    }
    catch {
        throw new settings_error_1.SettingsError('LOCAL_ENV_FILE', `${file} exists but the TypeScript loader is missing: run npm install, or remove the file`);
    }
}
function packageName() {
    try {
        const pkg = JSON.parse((0, node_fs_1.readFileSync)((0, node_path_1.join)(exports.PROJECT_ROOT, 'package.json'), 'utf8'));
        return pkg.name ?? 'microservice';
    }
    catch {
        return 'microservice';
    }
}
