/** The bus's own failures: small named classes whose message carries the facts. */

export class RpcTimeoutError extends Error {
  constructor(
    readonly pattern: string,
    readonly timeoutMs: number,
  ) {
    super(`no reply to "${pattern}" within ${timeoutMs} ms`);
    this.name = 'RpcTimeoutError';
  }
}

export class RequestInterruptedError extends Error {
  constructor(readonly pattern: string) {
    super(
      `the broker connection dropped while waiting for a reply to "${pattern}"; it may or may not have been handled`,
    );
    this.name = 'RequestInterruptedError';
  }
}

export class PublishBufferFullError extends Error {
  constructor(
    readonly routingKey: string,
    readonly limit: number,
  ) {
    super(
      `cannot publish "${routingKey}": ${limit} messages already wait for the broker (BUS_PUBLISH_BUFFER)`,
    );
    this.name = 'PublishBufferFullError';
  }
}

export class PublishTimeoutError extends Error {
  constructor(
    readonly routingKey: string,
    readonly timeoutMs: number,
  ) {
    super(
      `publish of "${routingKey}" not confirmed by the broker within ${timeoutMs} ms (BUS_PUBLISH_TIMEOUT)`,
    );
    this.name = 'PublishTimeoutError';
  }
}

export class PublishNackError extends Error {
  constructor(readonly routingKey: string) {
    super(`the broker refused (nacked) the publish of "${routingKey}"`);
    this.name = 'PublishNackError';
  }
}

export class BusClosedError extends Error {
  constructor(readonly operation: string) {
    super(`cannot ${operation}: the bus is closed`);
    this.name = 'BusClosedError';
  }
}

/** A handler ran past BUS_HANDLER_TIMEOUT: counted as a failure, so the message is retried. */
export class HandlerTimeoutError extends Error {
  constructor(
    readonly pattern: string,
    readonly timeoutMs: number,
  ) {
    super(`the handler of "${pattern}" did not finish within ${timeoutMs} ms`);
    this.name = 'HandlerTimeoutError';
  }
}

/** A request's handler failed on the far side; `code` crosses the boundary, not the class. */
export class RemoteHandlerError extends Error {
  constructor(
    readonly pattern: string,
    readonly code: string,
    detail: string,
  ) {
    super(`"${pattern}" failed remotely (${code}): ${detail}`);
    this.name = 'RemoteHandlerError';
  }
}

export class InvalidHandlerPatternError extends Error {
  constructor(readonly patterns: readonly string[]) {
    super(
      `bus handler patterns must be routing-key strings such as 'orders.*.created', not ${patterns.join(', ')}`,
    );
    this.name = 'InvalidHandlerPatternError';
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  if (typeof error === 'object' && error !== null && 'message' in error) return String(error.message);
  return String(error);
}
