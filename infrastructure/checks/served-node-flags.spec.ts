import { entrypointServeFlags, nodeFlagsOf, servedNodeFlags } from './served-node-flags';

describe('the Node flags the server runs with', () => {
  it('are the same in the image (entrypoint serve) and in npm run start:prod, which the benchmark uses', () => {
    expect(servedNodeFlags()).toEqual(entrypointServeFlags());
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
});
