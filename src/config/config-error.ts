/** One problem in a config file: where it is and what was expected there. */
export interface ConfigIssue {
  /** The file as the user named it (relative to the working directory when possible). */
  readonly file: string;
  /** JSON pointer inside that file, `""` for the whole file. */
  readonly pointer: string;
  /** 1-based line of the offending node, when the file's source map knows it. */
  readonly line?: number | undefined;
  readonly message: string;
}

/** Thrown by the loaders with every issue found, never just the first. */
export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    super(`invalid configuration (${issues.length} ${issues.length === 1 ? 'problem' : 'problems'}):\n${formatIssues(issues)}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/** `file:line pointer: message`, one per line, in file order. */
export function formatIssue(issue: ConfigIssue): string {
  const where = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}`;
  const pointer = issue.pointer === '' ? '' : ` ${issue.pointer}`;
  return `${where}${pointer}: ${issue.message}`;
}

export function formatIssues(issues: readonly ConfigIssue[]): string {
  return issues.map((issue) => `  - ${formatIssue(issue)}`).join('\n');
}

/** RFC 6901 pointer from a path of keys and indexes. */
export function toPointer(path: readonly PropertyKey[]): string {
  let pointer = '';
  for (const segment of path) {
    pointer += '/' + String(segment).replace(/~/g, '~0').replace(/\//g, '~1');
  }
  return pointer;
}
