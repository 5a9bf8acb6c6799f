import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { entrypointServeFlags, nodeFlagsOf, servedNodeFlags } from './served-node-flags';

describe('the Node flags the server runs with', () => {
  it('are the same in the image (entrypoint serve, NODE_OPTIONS) and in npm run start:prod, which the benchmark uses', () => {
    expect(servedNodeFlags()).toEqual(entrypointServeFlags());
  });

  it('are the same in npm start', () => {
    const { scripts } = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(nodeFlagsOf(scripts.start, 'dist/main.js')).toEqual(servedNodeFlags());
  });

  it('cap the young generation (idle RSS: 137-140 MiB without, 114-121 MiB with, measured here)', () => {
    expect(servedNodeFlags()).toContainEqual(expect.stringMatching(/^--max-semi-space-size=\d+$/));
  });

  it('reads the flags between node and the script, and refuses a line without them', () => {
    expect(nodeFlagsOf('    exec node --a=1 --b /app/dist/main.js "$@"', 'dist/main.js')).toEqual([
      '--a=1',
      '--b',
    ]);
    expect(nodeFlagsOf('node dist/main.js', 'dist/main.js')).toEqual([]);
    expect(() => nodeFlagsOf('exec /app/dist/main.js', 'dist/main.js')).toThrow('no "node … dist/main.js"');
  });

  it("lets the deployment's NODE_OPTIONS override them in the image (a later V8 flag wins)", () => {
    const entrypoint = join(__dirname, '..', 'docker', 'entrypoint.sh');
    // The serve branch's NODE_OPTIONS assignment, run by sh with the deployment's environment.
    const script = `eval "$(sed -n '/^  serve)/,/;;/p' "$0" | grep '^ *NODE_OPTIONS=')"; echo "$NODE_OPTIONS"`;
    const shell = (env: Record<string, string>) =>
      execFileSync('sh', ['-c', script, entrypoint], {
        env: { PATH: process.env.PATH ?? '', ...env },
        encoding: 'utf8',
      }).trim();
    expect(shell({})).toBe(entrypointServeFlags().join(' '));
    expect(shell({ NODE_OPTIONS: '--max-semi-space-size=16' })).toBe(
      `${entrypointServeFlags().join(' ')} --max-semi-space-size=16`,
    );
  });
});
