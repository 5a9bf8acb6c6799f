import { Logger } from '@nestjs/common';
import type { Logger as TypeOrmLogger } from 'typeorm';

/**
 * TypeORM's log lines through the app's logger. TypeORM's own console logger prints a failed
 * query's parameters, and those can be secrets (a password hash during a rehash), so they are
 * shown only in DEBUG.
 */
export class QueryLogger implements TypeOrmLogger {
  private readonly logger = new Logger('TypeORM');

  constructor(private readonly debug: boolean) {}

  logQuery(): void {
    // Every query is not worth a line, even in DEBUG.
  }

  logQueryError(error: string | Error, query: string, parameters?: unknown[] | object): void {
    const reason = typeof error === 'string' ? error : error.message;
    const shown =
      this.debug && parameters !== undefined ? ` -- parameters: ${JSON.stringify(parameters)}` : '';
    this.logger.error(`query failed: ${reason} -- ${query}${shown}`);
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn(`slow query (${time} ms): ${query}`);
  }

  logSchemaBuild(): void {}

  logMigration(message: string): void {
    this.logger.log(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn(String(message));
    else if (this.debug) this.logger.log(String(message));
  }
}
