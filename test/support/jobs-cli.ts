import 'reflect-metadata';
import { runCli } from '../../src/cli/cli';
import { ProbeJobsModule } from './jobs-probe.module';

/** src/cli/cli.ts plus the probe jobs (PROBE_DIR). */
void runCli(process.argv.slice(2), { modules: [ProbeJobsModule.forRoot(process.env.PROBE_DIR ?? '.')] }).then(
  (code) => process.exit(code),
);
