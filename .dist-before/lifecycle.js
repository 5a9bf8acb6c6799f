"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.stopOnSignals = stopOnSignals;
exports.exitOnSignalsWhileStarting = exitOnSignalsWhileStarting;
exports.exitOnStartupError = exitOnStartupError;
const common_1 = require("@nestjs/common");
const settings_error_1 = require("./settings/settings-error");
function stopOnSignals(app, timeoutSeconds) {
    const logger = new common_1.Logger('Lifecycle');
    let stopping = false;
    const stop = (signal) => {
        if (stopping) {
            logger.warn(`${signal} again: exiting without waiting`);
            process.exit(1);
        }
        stopping = true;
        logger.log(`${signal} received: draining (at most ${timeoutSeconds}s)`);
        const timer = setTimeout(() => {
            logger.error(`shutdown took longer than ${timeoutSeconds}s: exiting`);
            process.exit(1);
        }, timeoutSeconds * 1000);
        timer.unref();
        app.close().then(() => process.exit(0), (error) => {
            logger.error(`shutdown failed: ${error.message}`);
            process.exit(1);
        });
    };
    process.on('SIGTERM', stop).on('SIGINT', stop);
}
function exitOnSignalsWhileStarting() {
    const exit = (signal) => {
        new common_1.Logger('Lifecycle').log(`${signal} received while starting: exiting`);
        process.exit(0);
    };
    process.on('SIGTERM', exit).on('SIGINT', exit);
    return () => {
        process.off('SIGTERM', exit).off('SIGINT', exit);
    };
}
function exitOnStartupError(error, debug) {
    const err = error instanceof Error ? error : new Error(String(error));
    const message = err.message.split('\n')[0];
    if (err instanceof settings_error_1.SettingsError) {
        process.stderr.write(`settings: ${message}\n`);
        process.exit(1);
    }
    process.stderr.write(`startup failed: ${message}\n`);
    if (debug)
        process.stderr.write(`${err.stack}\n`);
    process.exit(1);
}
