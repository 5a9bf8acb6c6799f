"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.generateMigration = generateMigration;
exports.loadEntities = loadEntities;
exports.diffAgainst = diffAgainst;
const node_fs_1 = require("node:fs");
const node_path_1 = require("node:path");
const typeorm_1 = require("typeorm");
const data_source_1 = require("../../database/data-source");
const load_settings_1 = require("../../settings/load-settings");
const cli_error_1 = require("../cli-error");
const MIGRATIONS_DIR = (0, node_path_1.join)(load_settings_1.PROJECT_ROOT, 'src', 'database', 'migrations');
async function generateMigration(settings, name, postgresUrl) {
    if (!/^[a-z][a-z0-9-]*$/.test(name))
        throw new cli_error_1.CliError('the name must be kebab-case, e.g. add-item-sku');
    const entities = await loadEntities();
    const sqlite = await diffAgainst((0, data_source_1.createDataSource)({ debug: false, database: { type: 'sqlite', path: ':memory:' } }, entities));
    const url = postgresUrl ?? (settings.database.type === 'postgres' ? settings.database.url : undefined);
    const postgres = url ? await diffOnScratchPostgres(url, entities) : null;
    if (sqlite.up.length === 0 && (postgres === null || postgres.up.length === 0))
        return null;
    const timestamp = Date.now();
    const className = `${name.replace(/(^|-)([a-z0-9])/g, (_, _dash, c) => c.toUpperCase())}${timestamp}`;
    const file = (0, node_path_1.join)(MIGRATIONS_DIR, `${timestamp}-${name}.ts`);
    (0, node_fs_1.writeFileSync)(file, renderMigration(className, sqlite, postgres));
    registerInIndex(className, `${timestamp}-${name}`);
    return file;
}
async function loadEntities() {
    await Promise.resolve().then(() => __importStar(require('../../app.module')));
    return (0, typeorm_1.getMetadataArgsStorage)()
        .tables.filter((table) => table.type === 'regular' && typeof table.target === 'function')
        .map((table) => table.target);
}
async function diffAgainst(dataSource) {
    await dataSource.initialize();
    try {
        await dataSource.runMigrations({ transaction: 'all' });
        const sql = await dataSource.driver.createSchemaBuilder().log();
        return { up: sql.upQueries.map((q) => q.query), down: sql.downQueries.map((q) => q.query).reverse() };
    }
    finally {
        await dataSource.destroy();
    }
}
async function diffOnScratchPostgres(url, entities) {
    const scratchName = `migration_scratch_${process.pid}_${Date.now()}`;
    const admin = (0, data_source_1.createDataSource)({ debug: false, database: { type: 'postgres', url } });
    await admin.initialize();
    try {
        await admin.query(`CREATE DATABASE "${scratchName}"`);
    }
    catch (error) {
        await admin.destroy();
        throw new cli_error_1.CliError(`cannot create a scratch database on PostgreSQL (needs CREATEDB): ${error.message}`);
    }
    try {
        const scratchUrl = new URL(url);
        scratchUrl.pathname = `/${scratchName}`;
        return await diffAgainst((0, data_source_1.createDataSource)({ debug: false, database: { type: 'postgres', url: scratchUrl.toString() } }, entities));
    }
    finally {
        await admin.query(`DROP DATABASE IF EXISTS "${scratchName}"`);
        await admin.destroy();
    }
}
function renderMigration(className, sqlite, postgres) {
    const statements = (queries) => queries.map((q) => `      await queryRunner.query(${JSON.stringify(q)});`).join('\n');
    const branch = (direction) => {
        const pg = postgres
            ? statements(postgres[direction])
            : `      throw new Error('${className} has no PostgreSQL statements: regenerate it with DATABASE_URL=postgres://…');`;
        return `    if (queryRunner.connection.options.type === 'postgres') {\n${pg}\n    } else {\n${statements(sqlite[direction])}\n    }`;
    };
    return `import { MigrationInterface, QueryRunner } from 'typeorm';

/** Generated by \`npm run cli -- migrate:generate\`; review before committing. */
export class ${className} implements MigrationInterface {
  name = '${className}';

  async up(queryRunner: QueryRunner): Promise<void> {
${branch('up')}
  }

  async down(queryRunner: QueryRunner): Promise<void> {
${branch('down')}
  }
}
`;
}
function registerInIndex(className, fileName) {
    const indexFile = (0, node_path_1.join)(MIGRATIONS_DIR, 'index.ts');
    const source = (0, node_fs_1.readFileSync)(indexFile, 'utf8');
    const lastImport = source.lastIndexOf('\nimport ') + 1;
    const afterLastImport = source.indexOf('\n', lastImport) + 1;
    const withImport = `${source.slice(0, afterLastImport)}import { ${className} } from './${fileName}';\n${source.slice(afterLastImport)}`;
    const updated = withImport.replace(/(export const MIGRATIONS = \[[^\]]*?)(,?\s*\]);/, (_, list) => `${list}, ${className}];`);
    (0, node_fs_1.writeFileSync)(indexFile, updated);
}
