import { DynamicModule, Global, Logger, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Settings } from '../settings/settings';
import { DatabaseReadinessCheck } from './database.readiness-check';
import { dataSourceOptions } from './data-source';
import { runPendingMigrations } from './migrator';

/** TypeORM on SQLite or PostgreSQL as DATABASE_URL says; features add entities with forFeature. */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(settings: Settings): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({ ...dataSourceOptions(settings), autoLoadEntities: true }),
          dataSourceFactory: async (options) => {
            const dataSource = await new DataSource(options!).initialize();
            if (settings.migrateOnStart) {
              const applied = await runPendingMigrations(dataSource);
              if (applied.length > 0) {
                new Logger('Database').log(`applied migrations: ${applied.map((m) => m.name).join(', ')}`);
              }
            }
            return dataSource;
          },
        }),
      ],
      providers: [DatabaseReadinessCheck],
      exports: [DatabaseReadinessCheck],
    };
  }
}
