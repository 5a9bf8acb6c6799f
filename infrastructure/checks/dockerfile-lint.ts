import { DockerfileParser, PropertyInstruction } from 'dockerfile-ast';
import { validate, ValidationSeverity } from 'dockerfile-utils';
import { Problem } from './problem';

/** Names that must never be baked into an image through ENV or ARG (build args are kept in the image's history). */
const SECRET_NAME = /SECRET|PASSW|TOKEN|PRIVATE|CREDENTIAL|API_?KEY|SIGN_KEY|AUTH/i;

/**
 * dockerfile-utils' validator (syntax, arguments, flags, casing) plus this project's rules:
 * every FROM is pinned (a tag other than `latest`, or a digest), the final stage runs as a
 * non-root USER, and no ENV or ARG carries a secret.
 */
export function lintDockerfile(content: string, file: string): Problem[] {
  const problems: Problem[] = [];
  const report = (line: number, message: string) => problems.push({ source: `${file}:${line + 1}`, message });
  const severity = ValidationSeverity.ERROR;
  for (const diagnostic of validate(content, {
    deprecatedMaintainer: severity,
    directiveCasing: severity,
    emptyContinuationLine: severity,
    instructionCasing: severity,
    instructionCmdMultiple: severity,
    instructionEntrypointMultiple: severity,
    instructionHealthcheckMultiple: severity,
    instructionJSONInSingleQuotes: severity,
    instructionWorkdirRelative: severity,
  })) {
    const message = diagnostic.message;
    report(diagnostic.range.start.line, typeof message === 'string' ? message : message.value);
  }

  const dockerfile = DockerfileParser.parse(content);
  const stages = dockerfile.getFROMs();
  const stageNames = new Set(
    stages.map((from) => from.getBuildStage()).filter((name): name is string => !!name),
  );
  for (const from of stages) {
    const image = from.getImageName() ?? '';
    const line = from.getRange().start.line;
    if (stageNames.has(image)) continue; // FROM an earlier stage
    const tag = from.getImageTag();
    if (!from.getImageDigest() && (!tag || tag === 'latest')) {
      report(line, `FROM ${from.getImage() ?? image}: pin the base image to a tag (not latest) or a digest`);
    }
  }
  if (stages.length === 0) report(0, 'no FROM');

  const finalStage = stages[stages.length - 1];
  const finalStart = finalStage ? finalStage.getRange().start.line : 0;
  const users = dockerfile
    .getInstructions()
    .filter(
      (instruction) => instruction.getKeyword() === 'USER' && instruction.getRange().start.line > finalStart,
    );
  const lastUser = users[users.length - 1]?.getArguments()[0]?.getValue();
  if (!lastUser) report(finalStart, 'the final stage sets no USER: the container would run as root');
  else if (/^(0|root)(:|$)/.test(lastUser))
    report(finalStart, `the final stage runs as ${lastUser}: use a non-root user`);

  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword();
    if (keyword !== 'ENV' && keyword !== 'ARG') continue;
    for (const property of (instruction as PropertyInstruction).getProperties()) {
      const name = property.getName();
      if (SECRET_NAME.test(name)) {
        report(
          instruction.getRange().start.line,
          `${keyword} ${name}: secrets must come from the runtime environment, not the image`,
        );
      }
    }
  }
  return problems;
}
