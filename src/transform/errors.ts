/** One mistake found at load in an expression or a template, shaped so config loaders can merge it into their lists. */
export interface TransformIssue {
  /** The mapping file, as the caller named it in the compile context. */
  readonly file: string;
  /** 1-based line in that file (the context's line, or the template node's line when `lineOf` knows it). */
  readonly line: number;
  /** 1-based column inside the expression text (after the leading `=` of a template string), when known. */
  readonly column?: number | undefined;
  /** The expression text (without the `=`), or for template-level issues the template field's value. */
  readonly expression: string;
  /** JSON pointer of the template node the issue is about (`""` for a bare expression). */
  readonly pointer: string;
  readonly message: string;
}

/** `file:line:column: message (in `expr`)` as the CLI prints an issue. */
export function formatTransformIssue(issue: TransformIssue): string {
  const column = issue.column === undefined ? '' : `:${issue.column}`;
  return `${issue.file}:${issue.line}${column}: ${issue.message} (in \`${issue.expression}\`)`;
}

/** Thrown at load with every issue found in the expression or template, never just the first. */
export class TransformError extends Error {
  readonly code = 'TRANSFORM_INVALID';
  readonly issues: readonly TransformIssue[];

  constructor(issues: readonly TransformIssue[]) {
    const count = `${issues.length} ${issues.length === 1 ? 'problem' : 'problems'}`;
    super(`invalid transform (${count}):\n${issues.map((i) => `  - ${formatTransformIssue(i)}`).join('\n')}`);
    this.name = 'TransformError';
    this.issues = issues;
  }
}

/** Where a runtime fault happened: the expression and its place in the mapping file. */
export interface RuntimeSite {
  readonly expression: string;
  readonly file: string;
  readonly line: number;
  readonly column?: number | undefined;
}

/**
 * A value of the wrong type reached a function or operator at runtime (the upstream or the client sent data that does
 * not match its declared shape). Carries the expression and its location so the caller can answer 502 problem+json
 * naming the mapping and the expression. Never thrown for a missing field: references to absent data give `undefined`.
 */
export class TransformRuntimeError extends Error {
  readonly code = 'TRANSFORM_RUNTIME';
  readonly expression: string;
  readonly file: string;
  readonly line: number;
  readonly column: number | undefined;
  /** The message without the location. */
  readonly reason: string;

  constructor(reason: string, site: RuntimeSite) {
    const column = site.column === undefined ? '' : `:${site.column}`;
    super(`${site.file}:${site.line}${column}: ${reason} (in \`${site.expression}\`)`);
    this.name = 'TransformRuntimeError';
    this.reason = reason;
    this.expression = site.expression;
    this.file = site.file;
    this.line = site.line;
    this.column = site.column;
  }
}

export { didYouMean, editDistance } from '../errors/did-you-mean.js';
