/**
 * The two ways a hardened XML parse fails. Both are about the document, never about the gateway: callers on the
 * upstream path turn them into an `upstream-bad-response` problem.
 */
const BRAND = Symbol.for('protogate.XmlError');

/** Which configured limit a document went over. */
export type XmlLimitKind = 'bytes' | 'depth' | 'elements';

/** The document is (or would be) larger, deeper or busier than the configured {@link XmlLimits}. */
export class XmlLimitError extends Error {
  readonly limit: XmlLimitKind;
  /** The configured maximum that was exceeded. */
  readonly max: number;
  readonly [BRAND] = true;

  constructor(limit: XmlLimitKind, max: number) {
    super(limitMessage(limit, max));
    this.name = 'XmlLimitError';
    this.limit = limit;
    this.max = max;
  }

  static is(value: unknown): value is XmlLimitError {
    return isBranded(value) && (value as Error).name === 'XmlLimitError';
  }
}

/**
 * `dtd`: the document has a DOCTYPE or another markup declaration, refused outright (no XXE, no entity expansion).
 * `not-well-formed`: anything else that makes it not XML 1.0 with namespaces (unbalanced tags, an undefined entity,
 * an undeclared prefix, text outside the root, a character XML forbids, an unknown encoding).
 */
export type XmlSyntaxReason = 'dtd' | 'not-well-formed';

export class XmlSyntaxError extends Error {
  readonly reason: XmlSyntaxReason;
  /** Character offset in the document where the problem was found, when known. */
  readonly offset: number | undefined;
  readonly [BRAND] = true;

  constructor(reason: XmlSyntaxReason, message: string, offset?: number) {
    super(offset === undefined ? message : `${message} (at offset ${offset})`);
    this.name = 'XmlSyntaxError';
    this.reason = reason;
    this.offset = offset;
  }

  static is(value: unknown): value is XmlSyntaxError {
    return isBranded(value) && (value as Error).name === 'XmlSyntaxError';
  }
}

export function isXmlError(value: unknown): value is XmlLimitError | XmlSyntaxError {
  return isBranded(value);
}

function isBranded(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

function limitMessage(limit: XmlLimitKind, max: number): string {
  switch (limit) {
    case 'bytes':
      return `the XML document is larger than ${max} bytes`;
    case 'depth':
      return `the XML document nests elements deeper than ${max} levels`;
    case 'elements':
      return `the XML document has more than ${max} elements`;
  }
}
