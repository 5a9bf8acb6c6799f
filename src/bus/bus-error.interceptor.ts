import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Observable, catchError, throwError } from 'rxjs';
import { AmqpContext } from './amqp.context';

/**
 * Nest's RPC exception filter turns any non-RpcException into "Internal server error" before the
 * transport sees it. This keeps the original error on the bus context, so the retry and
 * dead-letter headers name the real cause. HTTP requests pass straight through.
 */
@Injectable()
export class BusErrorInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    const busContext: unknown = context.switchToRpc().getContext();
    if (!(busContext instanceof AmqpContext)) return next.handle();
    return next.handle().pipe(
      catchError((error: unknown) => {
        busContext.recordFailure(error);
        return throwError(() => error);
      }),
    );
  }
}
