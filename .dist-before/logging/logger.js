"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.PinoLoggerService = void 0;
exports.createRootLogger = createRootLogger;
const pino_1 = __importDefault(require("pino"));
const QUERY_ERROR_PATHS = [
    'err.parameters',
    'err.detail',
    'err.driverError.parameters',
    'err.driverError.detail',
];
function createRootLogger(settings, destination) {
    const options = {
        level: settings.logLevel,
        base: { service: settings.serviceName },
        redact: {
            paths: [
                'req.headers.authorization',
                'req.headers.cookie',
                '*.password',
                ...(settings.debug ? [] : QUERY_ERROR_PATHS),
            ],
            censor: '[redacted]',
        },
    };
    if (settings.debug && !destination && isInstalled('pino-pretty')) {
        return (0, pino_1.default)({
            ...options,
            transport: {
                target: 'pino-pretty',
                options: {
                    translateTime: 'HH:MM:ss.l',
                    ignore: 'pid,hostname,service,context',
                    messageFormat: '{if context}{context}: {end}{msg}',
                    singleLine: true,
                },
            },
        });
    }
    const jsonOptions = {
        ...options,
        formatters: { level: (label) => ({ level: label }) },
        timestamp: pino_1.default.stdTimeFunctions.isoTime,
    };
    return destination ? (0, pino_1.default)(jsonOptions, destination) : (0, pino_1.default)(jsonOptions);
}
function isInstalled(name) {
    try {
        require.resolve(name);
        return true;
    }
    catch {
        return false;
    }
}
class PinoLoggerService {
    logger;
    constructor(logger) {
        this.logger = logger;
    }
    log(message, ...rest) {
        this.write('info', message, rest);
    }
    error(message, ...rest) {
        this.write('error', message, rest);
    }
    warn(message, ...rest) {
        this.write('warn', message, rest);
    }
    debug(message, ...rest) {
        this.write('debug', message, rest);
    }
    verbose(message, ...rest) {
        this.write('trace', message, rest);
    }
    fatal(message, ...rest) {
        this.write('fatal', message, rest);
    }
    write(level, message, rest) {
        if (!this.logger.isLevelEnabled(level))
            return;
        const context = typeof rest[rest.length - 1] === 'string' ? rest[rest.length - 1] : undefined;
        const stack = rest.length === 2 && typeof rest[0] === 'string' ? rest[0] : undefined;
        if (message instanceof Error) {
            this.logger[level]({ context, err: message }, message.message);
        }
        else if (typeof message === 'object' && message !== null) {
            this.logger[level]({ context, ...message });
        }
        else {
            this.logger[level]({ context, ...(stack ? { stack } : {}) }, String(message));
        }
    }
}
exports.PinoLoggerService = PinoLoggerService;
