import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintDockerfile } from './dockerfile-lint';

const DOCKERFILE = readFileSync(join(__dirname, '..', 'dockerfile'), 'utf8');
const lint = (content: string) =>
  lintDockerfile(content, 'dockerfile').map((p) => `${p.source} ${p.message}`);

describe(lintDockerfile.name, () => {
  it('accepts the shipped infrastructure/dockerfile', () => {
    expect(lint(DOCKERFILE)).toEqual([]);
  });

  it('rejects an unpinned base image', () => {
    expect(lint('FROM node\nUSER 1000\n')).toEqual([
      'dockerfile:1 FROM node: pin the base image to a tag (not latest) or a digest',
    ]);
    expect(lint('FROM node:latest AS build\nFROM build\nUSER 1000\n')).toEqual([
      'dockerfile:1 FROM node:latest: pin the base image to a tag (not latest) or a digest',
    ]);
    expect(lint('FROM node@sha256:' + 'a'.repeat(64) + '\nUSER node\n')).toEqual([]);
  });

  it('rejects a final stage without USER or running as root', () => {
    expect(lint('FROM node:22 AS build\nUSER node\nFROM node:22\nCMD ["node"]\n')).toEqual([
      'dockerfile:3 the final stage sets no USER: the container would run as root',
    ]);
    expect(lint('FROM node:22\nUSER 0:0\n')).toEqual([
      'dockerfile:1 the final stage runs as 0:0: use a non-root user',
    ]);
  });

  it('rejects secrets in ENV or ARG', () => {
    expect(lint('FROM node:22\nARG NPM_TOKEN\nENV SECRET_KEY=abc PORT=8000\nUSER node\n')).toEqual([
      'dockerfile:2 ARG NPM_TOKEN: secrets must come from the runtime environment, not the image',
      'dockerfile:3 ENV SECRET_KEY: secrets must come from the runtime environment, not the image',
    ]);
  });

  it("reports dockerfile-utils' findings", () => {
    expect(lint('FROM node:22\nUSER node\nEXPOSE 80/tcpx\n')).toEqual([
      expect.stringMatching(/^dockerfile:3 /),
    ]);
  });
});
