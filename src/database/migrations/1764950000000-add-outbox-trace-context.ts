import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The W3C `traceparent` of the request that wrote an outbox row (null with tracing off), so the
 * relay's publish, which happens later and elsewhere, joins that request's trace. Plain SQL: the
 * same statement on both databases, and SQLite's ADD COLUMN keeps the table (TypeORM's
 * addColumn would rebuild it).
 */
export class AddOutboxTraceContext1764950000000 implements MigrationInterface {
  name = 'AddOutboxTraceContext1764950000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE sync_outbox ADD COLUMN trace_context varchar(64) NULL');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE sync_outbox DROP COLUMN trace_context');
  }
}
