import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { isRecord } from './kubernetes-schema';

/** One `run:` (GitHub) or `before_script:` + `script:` (GitLab) block, with the variables it sees. */
export interface PipelineScript {
  readonly pipeline: 'github' | 'gitlab';
  /** Repository-relative file, e.g. `.github/workflows/deploy.yml`. */
  readonly file: string;
  readonly job: string;
  readonly step: string;
  /** GitHub runs `bash -e`; GitLab's images here (alpine/helm, docker) have only `sh`. */
  readonly shell: 'bash' | 'sh';
  readonly text: string;
  /** `env:` (workflow, job, step) or `variables:` (global, job), later levels winning. */
  readonly env: Readonly<Record<string, string>>;
}

export const GITHUB_WORKFLOWS = '.github/workflows';
export const GITLAB_PIPELINE = '.gitlab-ci.yml';

/** GitLab's top-level keys that are not jobs. */
const GITLAB_KEYWORDS = new Set([
  'stages',
  'default',
  'variables',
  'workflow',
  'include',
  'image',
  'services',
  'cache',
  'before_script',
  'after_script',
]);

export interface PipelineFiles {
  /** Workflow file (repository-relative) → its text. */
  readonly github: ReadonlyMap<string, string>;
  readonly gitlab: string;
}

export function readPipelineFiles(root: string): PipelineFiles {
  const github = new Map<string, string>();
  for (const name of readdirSync(join(root, GITHUB_WORKFLOWS)).sort()) {
    if (/\.ya?ml$/.test(name))
      github.set(`${GITHUB_WORKFLOWS}/${name}`, readFileSync(join(root, GITHUB_WORKFLOWS, name), 'utf8'));
  }
  return { github, gitlab: readFileSync(join(root, GITLAB_PIPELINE), 'utf8') };
}

function record(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

function strings(value: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, item] of Object.entries(record(value))) {
    // GitLab allows { value, description } for a variable.
    const text = isRecord(item) ? item.value : item;
    if (typeof text === 'string' || typeof text === 'number' || typeof text === 'boolean')
      result[key] = String(text);
  }
  return result;
}

function lines(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).flat(Infinity).map(String);
}

export function githubScripts(file: string, text: string): PipelineScript[] {
  const workflow = record(parse(text));
  const scripts: PipelineScript[] = [];
  for (const [job, definition] of Object.entries(record(workflow.jobs))) {
    const jobRecord = record(definition);
    const steps = Array.isArray(jobRecord.steps) ? jobRecord.steps : [];
    steps.forEach((step: unknown, index) => {
      const stepRecord = record(step);
      if (typeof stepRecord.run !== 'string') return;
      scripts.push({
        pipeline: 'github',
        file,
        job,
        step: typeof stepRecord.name === 'string' ? stepRecord.name : `step ${index + 1}`,
        shell: 'bash',
        text: stepRecord.run,
        env: { ...strings(workflow.env), ...strings(jobRecord.env), ...strings(stepRecord.env) },
      });
    });
  }
  return scripts;
}

/** GitLab jobs by name, hidden templates (`.name`) merged in through `extends`. */
export function gitlabJobs(text: string): Map<string, Record<string, unknown>> {
  const pipeline = record(parse(text));
  const resolve = (name: string, seen: string[]): Record<string, unknown> => {
    if (seen.includes(name))
      throw new Error(`${GITLAB_PIPELINE}: extends loop ${[...seen, name].join(' → ')}`);
    const job = record(pipeline[name]);
    const parents = lines(job.extends).map((parent) => resolve(parent, [...seen, name]));
    return Object.assign({}, ...parents, job) as Record<string, unknown>;
  };
  const jobs = new Map<string, Record<string, unknown>>();
  for (const name of Object.keys(pipeline)) {
    if (!GITLAB_KEYWORDS.has(name) && !name.startsWith('.')) jobs.set(name, resolve(name, []));
  }
  return jobs;
}

export function gitlabScripts(text: string): PipelineScript[] {
  const pipeline = record(parse(text));
  const defaults = record(pipeline.default);
  return [...gitlabJobs(text)].map(([job, definition]) => ({
    pipeline: 'gitlab',
    file: GITLAB_PIPELINE,
    job,
    step: 'script',
    shell: 'sh',
    text: [
      ...lines(definition.before_script ?? defaults.before_script ?? pipeline.before_script),
      ...lines(definition.script),
    ].join('\n'),
    env: { ...strings(pipeline.variables), ...strings(definition.variables) },
  }));
}

export function allPipelineScripts(files: PipelineFiles): PipelineScript[] {
  return [
    ...[...files.github].flatMap(([file, text]) => githubScripts(file, text)),
    ...gitlabScripts(files.gitlab),
  ];
}

/**
 * A script as a file shellcheck can read: the shell GitHub or GitLab runs it with, its options,
 * and GitHub's `${{ … }}` expressions (which the runner substitutes before the shell sees
 * the text) replaced by a word.
 */
export function scriptForShellcheck(script: PipelineScript): string {
  const header =
    script.shell === 'bash'
      ? [
          '#!/usr/bin/env bash',
          '# GitHub runs run: with bash --noprofile --norc -eo pipefail',
          'set -eo pipefail',
        ]
      : [
          '#!/bin/sh',
          '# GitLab runs each line of script: in one sh, stopping at the first failure',
          'set -e',
        ];
  return [
    ...header,
    `# ${script.file}: job ${script.job}, ${script.step}`,
    script.text.replace(/\$\{\{[^}]*\}\}/g, 'github-expression'),
    '',
  ].join('\n');
}

/** A file name for the script: pipeline, job and step, safe for any file system. */
export function scriptFileName(script: PipelineScript, index: number): string {
  const slug = (text: string) => text.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '');
  return `${String(index + 1).padStart(2, '0')}-${slug(script.file.split('/').pop() ?? script.file)}-${slug(script.job)}-${slug(script.step)}.${script.shell}`;
}
