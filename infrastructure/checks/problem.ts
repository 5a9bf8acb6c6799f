/** One finding of a check: where (file, document, path inside it) and what is wrong. */
export interface Problem {
  readonly source: string;
  readonly message: string;
}

export function describeProblems(problems: readonly Problem[]): string {
  return problems.map((problem) => `  ${problem.source}: ${problem.message}`).join('\n');
}
