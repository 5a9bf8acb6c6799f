import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable } from '../database/database-unavailable';
import { ErrorBody, errorBody } from './error-body';

interface FrameworkError {
  statusCode?: number;
  message?: string;
}

/**
 * Shapes every error as `{statusCode, error, message}`. A database that cannot be reached is
 * answered 503 (try again). Anything else that is not an HTTP error is a bug: logged with its
 * stack, answered 500 without details unless DEBUG is on.
 */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  constructor(private readonly debug: boolean) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const body = this.toBody(exception, request);
    void reply.status(body.statusCode).send(body);
  }

  toBody(exception: unknown, request?: FastifyRequest): ErrorBody {
    if (exception instanceof HttpException) {
      return errorBody(exception.getStatus(), messageOf(exception));
    }
    const framework = exception as FrameworkError;
    // Fastify's own errors (bad JSON, body too large, wrong content type) carry a 4xx status.
    if (
      typeof framework?.statusCode === 'number' &&
      framework.statusCode >= 400 &&
      framework.statusCode < 500
    ) {
      return errorBody(framework.statusCode, framework.message ?? 'Bad request');
    }
    const error = exception instanceof Error ? exception : new Error(String(exception));
    if (isDatabaseUnavailable(exception)) {
      // Not a bug: the database is down or restarting; readiness says so too. The pool reconnects.
      this.logger.warn(
        { reqId: request?.id, url: request?.url, reason: error.message },
        'database unavailable: answered 503',
      );
      return errorBody(503, 'The database is unavailable; try again');
    }
    this.logger.error({ err: error, reqId: request?.id, url: request?.url }, 'unhandled error');
    const body = errorBody(500, 'Internal server error');
    if (this.debug) body.stack = error.stack;
    return body;
  }
}

function messageOf(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.map(String).join('; ');
  return typeof message === 'string' ? message : exception.message;
}
