/**
 * Limits on an XML document from an upstream. The defaults are safe for a gateway: a legacy SOAP response is rarely
 * above a few megabytes or a few dozen levels deep, and a document that is must be an explicit, configured choice.
 */
export interface XmlLimits {
  /** Largest document in bytes (UTF-8 for a string input). Check it while reading the body, see read-body.ts. */
  readonly maxBytes: number;
  /** Deepest element nesting; the root element is depth 1. At most {@link MAX_XML_DEPTH}. */
  readonly maxDepth: number;
  /** Most elements (start tags) in one document. */
  readonly maxElements: number;
}

export const DEFAULT_XML_LIMITS: XmlLimits = Object.freeze({
  maxBytes: 10 * 1024 * 1024,
  maxDepth: 100,
  maxElements: 100_000,
});

/** The reader and the tree builder recurse per level, so the depth limit is also a stack-safety bound. */
export const MAX_XML_DEPTH = 1000;

/** Fills unset limits from the defaults and checks the rest; throws a RangeError naming the bad field. */
export function resolveXmlLimits(partial: Partial<XmlLimits> | undefined): XmlLimits {
  if (partial === undefined) return DEFAULT_XML_LIMITS;
  const limits = {
    maxBytes: partial.maxBytes ?? DEFAULT_XML_LIMITS.maxBytes,
    maxDepth: partial.maxDepth ?? DEFAULT_XML_LIMITS.maxDepth,
    maxElements: partial.maxElements ?? DEFAULT_XML_LIMITS.maxElements,
  };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`xml limit ${name} must be a positive integer, got ${value}`);
  }
  if (limits.maxDepth > MAX_XML_DEPTH) throw new RangeError(`xml limit maxDepth must be at most ${MAX_XML_DEPTH}, got ${limits.maxDepth}`);
  return Object.freeze(limits);
}
