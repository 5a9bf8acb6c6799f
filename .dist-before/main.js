"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
require("reflect-metadata");
const app_factory_1 = require("./app.factory");
const wait_for_database_1 = require("./database/wait-for-database");
const stand_in_server_1 = require("./http/stand-in-server");
const lifecycle_1 = require("./lifecycle");
const logger_1 = require("./logging/logger");
const load_settings_1 = require("./settings/load-settings");
const HOST = '0.0.0.0';
async function bootstrap(settings) {
    const logger = (0, logger_1.createRootLogger)(settings).child({ context: 'Startup' });
    const releaseSignals = (0, lifecycle_1.exitOnSignalsWhileStarting)();
    let state = 'database';
    const standIn = await stand_in_server_1.StandInServer.listen(settings.port, HOST, () => state);
    await (0, wait_for_database_1.waitForDatabase)(settings, { log: (line) => logger.warn(line) });
    state = 'start-up';
    const app = await (0, app_factory_1.createApp)(settings);
    releaseSignals();
    (0, lifecycle_1.stopOnSignals)(app, settings.shutdownTimeoutSeconds);
    await app.startAllMicroservices();
    await app.init();
    await standIn.close();
    await app.listen({ port: settings.port, host: HOST });
}
const settings = (0, load_settings_1.loadSettingsOrExit)();
bootstrap(settings).catch((error) => (0, lifecycle_1.exitOnStartupError)(error, settings.debug));
