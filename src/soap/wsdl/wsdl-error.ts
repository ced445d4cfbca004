/** One problem found while importing a WSDL: the document it is in, where, and what is wrong. */
export interface WsdlIssue {
  /** The document as shown to the user: relative to `baseDir` for files, the URL for fetched documents. */
  readonly file: string;
  /** 1-based line of the offending element, when known. */
  readonly line?: number | undefined;
  readonly message: string;
}

/** Thrown by the importer with every problem found, never just the first. */
export class WsdlError extends Error {
  readonly code = 'WSDL_IMPORT_FAILED';
  readonly source: string;
  readonly issues: readonly WsdlIssue[];

  constructor(source: string, issues: readonly WsdlIssue[]) {
    const count = `${issues.length} ${issues.length === 1 ? 'problem' : 'problems'}`;
    super(`cannot import WSDL ${source} (${count}):\n${issues.map((issue) => `  - ${formatWsdlIssue(issue)}`).join('\n')}`);
    this.name = 'WsdlError';
    this.source = source;
    this.issues = issues;
  }
}

/** `file:line: message`. */
export function formatWsdlIssue(issue: WsdlIssue): string {
  return `${issue.line === undefined ? issue.file : `${issue.file}:${issue.line}`}: ${issue.message}`;
}

/**
 * Collects issues in the order found. The same problem reached twice (a broken group used by two types) is kept
 * once, so an error lists each mistake a single time.
 */
export class IssueList {
  readonly #issues: WsdlIssue[] = [];
  readonly #seen = new Set<string>();

  add(issue: WsdlIssue): void {
    const key = formatWsdlIssue(issue);
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    this.#issues.push(issue);
  }

  get size(): number {
    return this.#issues.length;
  }

  /** The issues by document (in the order documents were first reported on), then by line, like a compiler's. */
  get all(): readonly WsdlIssue[] {
    const files = new Map<string, number>();
    for (const issue of this.#issues) if (!files.has(issue.file)) files.set(issue.file, files.size);
    return [...this.#issues].sort((a, b) => (files.get(a.file) ?? 0) - (files.get(b.file) ?? 0) || (a.line ?? 0) - (b.line ?? 0));
  }
}
