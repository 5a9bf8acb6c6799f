import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ReadinessCheck } from '../platform/readiness-check';

@Injectable()
export class DatabaseReadinessCheck implements ReadinessCheck {
  readonly name = 'database';

  constructor(private readonly dataSource: DataSource) {}

  async check(): Promise<Record<string, unknown>> {
    if (!this.dataSource.isInitialized) throw new Error('not connected');
    await this.dataSource.query('SELECT 1');
    return { type: this.dataSource.options.type === 'postgres' ? 'postgres' : 'sqlite' };
  }
}
