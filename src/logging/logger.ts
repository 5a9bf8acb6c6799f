import { LoggerService } from '@nestjs/common';
import pino, { Logger } from 'pino';
import { currentCorrelationId } from '../platform/correlation';
import { Settings } from '../settings/settings';
import { activeTracing } from '../tracing/tracing';

const QUERY_ERROR_PATHS = [
  'err.parameters',
  'err.detail',
  'err.driverError.parameters',
  'err.driverError.detail',
];

/**
 * Log lines are written to stdout in blocks: a line joins a buffer that is written once it holds
 * LOG_BLOCK_BYTES, or at the latest after LOG_FLUSH_MS (sonic-boom's own timer), and on exit
 * (pino flushes it synchronously: process.exit, an uncaught exception, the SIGTERM shutdown).
 * An asynchronous write per line costs a thread-pool round trip each, which under load was a
 * large share of a request's CPU; a SIGKILL loses at most the last LOG_FLUSH_MS of lines.
 */
const LOG_BLOCK_BYTES = 8192;
const LOG_FLUSH_MS = 100;
const STDOUT_BUFFERING = { dest: 1, sync: false, minLength: LOG_BLOCK_BYTES, periodicFlush: LOG_FLUSH_MS };

/**
 * JSON lines in production (what log collectors parse); colourised single lines in DEBUG
 * when pino-pretty (a dev dependency) is installed.
 */
export function createRootLogger(
  settings: Pick<Settings, 'debug' | 'logLevel' | 'serviceName'>,
  /** Where JSON lines go (stdout by default; tests pass a stream). */
  destination?: pino.DestinationStream,
): Logger {
  const options: pino.LoggerOptions = {
    level: settings.logLevel,
    base: { service: settings.serviceName },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        '*.password',
        // A failed query's parameters and the row PostgreSQL quotes back ("Failing row contains
        // ...") can hold a password hash; TypeORM puts both on QueryFailedError.
        ...(settings.debug ? [] : QUERY_ERROR_PATHS),
      ],
      censor: '[redacted]',
    },
    mixin: logContext,
  };
  if (settings.debug && !destination && isInstalled('pino-pretty')) {
    return pino({
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
  // Collectors (Loki, Cloud Logging, ELK) read a level name and an ISO time without a mapping.
  const jsonOptions: pino.LoggerOptions = {
    ...options,
    formatters: { level: (label) => ({ level: label }) },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return pino(jsonOptions, destination ?? pino.destination(STDOUT_BUFFERING));
}

/**
 * What every line carries besides its own fields: the correlation id of the request or message
 * in hand and, when tracing is on, the active span's ids (so a log line leads to its trace).
 * Runs only for lines that are written, not for levels that are off.
 */
function logContext(): object {
  const correlationId = currentCorrelationId();
  const span = activeTracing()?.logFields();
  // A new object each time: pino merges the line's own fields into it.
  const fields: Record<string, string> = correlationId ? { correlation_id: correlationId } : {};
  return span ? Object.assign(fields, span) : fields;
}

function isInstalled(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}

/** Nest's logger interface over pino, so framework and application logs share one stream. */
export class PinoLoggerService implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  /**
   * Nest passes `(message, context)` or `(message, stack, context)`; the last string is the
   * context. A string after an object is the line's message, as in pino's `(fields, message)`:
   * `new Logger('HTTP').error({ err, reqId }, 'unhandled error')` reaches here as
   * `({ err, reqId }, 'unhandled error', 'HTTP')`.
   */
  private write(level: pino.Level, message: unknown, rest: unknown[]): void {
    if (!this.logger.isLevelEnabled(level)) return;
    const context = typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    const text = rest.length === 2 && typeof rest[0] === 'string' ? rest[0] : undefined;
    if (message instanceof Error) {
      this.logger[level]({ context, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      if (text === undefined) this.logger[level]({ context, ...message });
      else this.logger[level]({ context, ...message }, text);
    } else {
      // `(message, stack, context)`: Nest's error() with a stack trace.
      this.logger[level]({ context, ...(text ? { stack: text } : {}) }, String(message));
    }
  }
}
