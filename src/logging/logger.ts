import { LoggerService } from '@nestjs/common';
import pino, { Logger } from 'pino';
import { currentCorrelationId } from '../platform/correlation';
import { Settings } from '../settings/settings';
import { activeTracing } from '../tracing/tracing';
import { LineBlocks } from './line-blocks';

const QUERY_ERROR_PATHS = [
  'err.parameters',
  'err.detail',
  'err.driverError.parameters',
  'err.driverError.detail',
];
const CENSOR = '[redacted]';

/**
 * Log lines are written to stdout in blocks: a line joins a buffer that is written once it holds
 * LOG_BLOCK_CHARS, or at the latest LOG_FLUSH_MS after it, and on exit (see LineBlocks).
 * A write per line costs a system call each (or, written asynchronously, a thread-pool round trip
 * each), which under load was a large share of a request's CPU; a SIGKILL loses at most the last
 * LOG_FLUSH_MS of lines.
 *
 * The block writes are synchronous: an asynchronous write still in the thread pool when the process
 * exits can land after the lines flushed on exit, or not at all (pinojs/sonic-boom#101), and a
 * crash's last lines are the ones that matter. A full pipe (a stalled log collector) then blocks
 * the process, as console.log and pino's default destination do, instead of growing a buffer.
 */
const LOG_BLOCK_CHARS = 8192;
const LOG_FLUSH_MS = 100;

let stdoutDestination: LineBlocks | undefined;

/**
 * One buffer for the process's stdout, whatever the number of root loggers (two buffers on one
 * file descriptor would interleave their blocks out of order). pino flushes a destination on exit
 * only when it is its own asynchronous one, so this one flushes itself: the exit event comes after
 * process.exit, an uncaught exception, the SIGTERM shutdown and an empty event loop alike.
 * pino.destination() writes each block (retrying a full pipe, and going quiet on a closed one).
 */
function bufferedStdout(): LineBlocks {
  if (stdoutDestination) return stdoutDestination;
  const destination = new LineBlocks(
    pino.destination({ dest: 1, sync: true }),
    LOG_BLOCK_CHARS,
    LOG_FLUSH_MS,
  );
  process.once('exit', () => {
    try {
      destination.flushSync();
    } catch {
      // Closed or broken stdout (EPIPE): nothing can be written any more.
    }
  });
  stdoutDestination = destination;
  return destination;
}

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
        // A failed query's parameters and the row PostgreSQL quotes back ("Failing row contains
        // ...") can hold a password hash; TypeORM puts both on QueryFailedError.
        ...(settings.debug ? [] : QUERY_ERROR_PATHS),
      ],
      censor: CENSOR,
    },
    formatters: { log: withoutPasswords },
    mixin: logContext,
    mixinMergeStrategy: withContext,
  };
  if (settings.debug && !destination && isInstalled('pino-pretty')) {
    return censoringChildBindings(
      pino({
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
      }),
    );
  }
  // Collectors (Loki, Cloud Logging, ELK) read a level name and an ISO time without a mapping.
  const jsonOptions: pino.LoggerOptions = {
    ...options,
    formatters: { ...options.formatters, level: (label) => ({ level: label }) },
    timestamp: isoTimeOncePerMillisecond,
  };
  return censoringChildBindings(pino(jsonOptions, destination ?? bufferedStdout()));
}

/**
 * A `password` field at the top of a line or one object down (`{ body: { password } }`) is
 * censored. pino's redact would say this with the path `*.password`, but a wildcard path runs its
 * redactor on every field of every line, strings and numbers included, which cost 1.5–2.5 µs per
 * request line; this looks at each field once and copies only a line that holds a password.
 */
function withoutPasswords(fields: Record<string, unknown>): Record<string, unknown> {
  let censored: Record<string, unknown> | undefined;
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    if (key === 'password') {
      (censored ??= { ...fields })[key] = CENSOR;
    } else if (typeof value === 'object' && value !== null && Object.hasOwn(value, 'password')) {
      (censored ??= { ...fields })[key] = withPasswordCensored(value);
    }
  }
  return censored ?? fields;
}

/**
 * A child logger's bindings are serialized once, when it is made, without formatters.log (and a
 * bindings formatter would make pino rebuild its formatters on every child, one per request):
 * they are censored on the way in instead. Children inherit the method, so grandchildren too.
 */
function censoringChildBindings(root: Logger): Logger {
  const child = root.child;
  root.child = function (this: Logger, bindings, options) {
    return child.call(this, withoutPasswords(bindings), options);
  } as Logger['child'];
  return root;
}

/** A copy with the same prototype and properties (an Error keeps its message and stack). */
function withPasswordCensored(value: object): object {
  const copy = Object.create(
    Object.getPrototypeOf(value) as object | null,
    Object.getOwnPropertyDescriptors(value),
  ) as {
    password: unknown;
  };
  Object.defineProperty(copy, 'password', {
    value: CENSOR,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return copy;
}

/**
 * pino's isoTime builds a Date and its ISO string for every line; under load many lines share a
 * millisecond, and the string is the same for all of them.
 */
let stampedAtMs = -1;
let stamp = '';
function isoTimeOncePerMillisecond(): string {
  const now = Date.now();
  if (now !== stampedAtMs) {
    stampedAtMs = now;
    stamp = `,"time":"${new Date(now).toISOString()}"`;
  }
  return stamp;
}

/** logContext's answer when there is nothing to add: the line's own fields are written as they are. */
const NO_CONTEXT: object = Object.freeze({});

/**
 * What every line carries besides its own fields: the correlation id of the request or message
 * in hand and, when tracing is on, the active span's ids (so a log line leads to its trace).
 * Runs only for lines that are written, not for levels that are off.
 */
function logContext(): object {
  const correlationId = currentCorrelationId();
  const span = activeTracing()?.logFields();
  if (!correlationId && !span) return NO_CONTEXT;
  // A new object each time: withContext merges the line's own fields into it.
  const fields: Record<string, string> = correlationId ? { correlation_id: correlationId } : {};
  return span ? Object.assign(fields, span) : fields;
}

/**
 * pino's own merge copies every line's fields into the context object, an allocation and a copy
 * per line (a request line's four fields) even when the context is empty, as it is for reads.
 */
function withContext(fields: object, context: object): object {
  return context === NO_CONTEXT ? fields : Object.assign(context, fields);
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
