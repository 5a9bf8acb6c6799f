import { ArgumentsHost, Catch, RpcExceptionFilter } from '@nestjs/common';
import { Observable, throwError } from 'rxjs';
import { AmqpContext } from './amqp.context';

/**
 * Nest's default RPC filter turns any error that is not an RpcException into "Internal server
 * error" (and logs it) before the transport sees it. This filter keeps the handler's own error,
 * so retries and dead-letter headers name the real cause and the transport does the logging.
 * It is bound to the bus alone (see connectBus): a filter costs nothing until something throws.
 */
@Catch()
export class BusExceptionFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown, host: ArgumentsHost): Observable<never> {
    const context: unknown = host.switchToRpc().getContext();
    if (context instanceof AmqpContext) context.recordFailure(exception);
    return throwError(() => exception);
  }
}
