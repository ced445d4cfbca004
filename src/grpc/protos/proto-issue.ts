/** A problem found while loading protos; `file` is relative to `displayRoot`, `line` is 1-based. */
export interface ProtoIssue {
  readonly file: string;
  readonly line?: number;
  readonly message: string;
}

/** 1-based number of the first line of `source` matching `pattern`, if any. */
export function lineOf(source: string, pattern: RegExp): number | undefined {
  const index = source.split('\n').findIndex((line) => pattern.test(line));
  return index === -1 ? undefined : index + 1;
}

/** `text` as a literal inside a RegExp source. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
