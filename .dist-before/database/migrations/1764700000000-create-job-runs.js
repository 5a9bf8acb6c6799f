"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.CreateJobRuns1764700000000 = void 0;
const typeorm_1 = require("typeorm");
const portable_types_1 = require("./portable-types");
class CreateJobRuns1764700000000 {
    name = 'CreateJobRuns1764700000000';
    async up(queryRunner) {
        const type = (0, portable_types_1.portableTypes)(queryRunner);
        await queryRunner.createTable(new typeorm_1.Table({
            name: 'job_runs',
            columns: [
                { name: 'id', type: type.uuid, isPrimary: true },
                { name: 'job_name', type: 'varchar', length: '63' },
                { name: 'triggered_by', type: 'varchar', length: '16' },
                { name: 'scheduled_at', type: type.timestamp, isNullable: true },
                { name: 'started_at', type: type.timestamp },
                { name: 'finished_at', type: type.timestamp, isNullable: true },
                { name: 'outcome', type: 'varchar', length: '16' },
                { name: 'error', type: 'varchar', length: '2000', isNullable: true },
                { name: 'instance', type: 'varchar', length: '255' },
            ],
        }));
        await queryRunner.createIndex('job_runs', new typeorm_1.TableIndex({
            name: 'UQ_job_runs_job_name_scheduled_at',
            columnNames: ['job_name', 'scheduled_at'],
            isUnique: true,
        }));
        await queryRunner.createIndex('job_runs', new typeorm_1.TableIndex({ name: 'IDX_job_runs_job_name_started_at', columnNames: ['job_name', 'started_at'] }));
        await queryRunner.createIndex('job_runs', new typeorm_1.TableIndex({ name: 'IDX_job_runs_started_at', columnNames: ['started_at'] }));
        await queryRunner.createTable(new typeorm_1.Table({
            name: 'job_leases',
            columns: [
                { name: 'job_name', type: 'varchar', length: '63', isPrimary: true },
                { name: 'holder', type: 'varchar', length: '64' },
                { name: 'expires_at', type: 'bigint' },
            ],
        }));
    }
    async down(queryRunner) {
        await queryRunner.dropTable('job_leases');
        await queryRunner.dropTable('job_runs');
    }
}
exports.CreateJobRuns1764700000000 = CreateJobRuns1764700000000;
