/**
 * Whether an error means "the database cannot be reached right now" (down, restarting, refusing
 * or dropping connections, not answering in time) rather than "this query is wrong". Those are
 * answered 503 (try again), not 500 (a bug), and recover by themselves: the pool reconnects.
 */

/** Socket errors of a server that is down or unreachable. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATE class 08 (connection exception), 57P01 admin_shutdown, 57P02 crash_shutdown,
 * 57P03 cannot_connect_now (starting up or shutting down).
 */
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[123])$/;

/** node-postgres's own messages for a connection that failed, was cut, or timed out. */
const UNAVAILABLE_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|Query read timeout|Connection is not established|Client has encountered a connection error|Cannot use a pool after calling end|Client was closed and is not queryable/i;

/**
 * TypeORM releases a query runner by itself when its connection fails (PostgreSQL restarted
 * mid-transaction); the request's next query on it then throws this. Our code releases a runner
 * only after its last query, so here it means the connection was lost.
 */
const RELEASED_ON_CONNECTION_LOSS = new Set([
  'QueryRunnerAlreadyReleasedError',
  'QueryRunnerProviderAlreadyReleasedError',
]);

interface DriverError {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
  readonly driverError?: unknown;
  readonly cause?: unknown;
}

export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 3) return false;
  const { name, code, message, driverError, cause } = error as DriverError;
  if (typeof name === 'string' && RELEASED_ON_CONNECTION_LOSS.has(name)) return true;
  if (typeof code === 'string' && (UNREACHABLE_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code)))
    return true;
  if (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message)) return true;
  // TypeORM wraps the driver's error (QueryFailedError.driverError); Node chains with `cause`.
  return isDatabaseUnavailable(driverError, depth + 1) || isDatabaseUnavailable(cause, depth + 1);
}
