/**
 * Errors of the SOAP codec. At load, {@link SoapCodecCompileError} (the config loader reports it with the WSDL it
 * came from). Per request, violations of the request JSON are collected in a {@link WriteContext} and become one
 * `soap-request-invalid` problem; a response that does not fit its XSD type throws {@link SoapDecodeError}, which
 * the response classifier turns into `upstream-bad-response`.
 */
import type { Violation } from '../../errors/gateway-error.js';
import { child } from '../../openapi/json-pointer.js';

/** A WSDL/XSD construct the codec cannot give a JSON form to; thrown while compiling, never per request. */
export class SoapCodecCompileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SoapCodecCompileError';
  }
}

/** An upstream value that does not fit its XSD type; the ReadContext's path at the throw says where. */
export class SoapDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SoapDecodeError';
  }
}

/**
 * Path segments (field names and array indexes) a request may nest. Only a recursive type or opaque content can
 * nest without bound, and such JSON must not overflow the stack; this is far beyond any real message.
 */
export const MAX_JSON_DEPTH = 256;

/** Violations are capped: a hostile 10,000-item array should not produce a 10,000-entry problem. */
export const MAX_VIOLATIONS = 20;

/**
 * The state of writing one request: where in the JSON we are (a stack, pushed and popped as the writers descend,
 * so a path string is only built when something is wrong) and what was wrong so far.
 */
export class WriteContext {
  readonly violations: Violation[] = [];
  readonly path: (string | number)[] = [];
  readonly #root: string;

  constructor(root: string) {
    this.#root = root;
  }

  fail(message: string): void {
    if (this.violations.length < MAX_VIOLATIONS) this.violations.push({ location: child(this.#root, ...this.path), message });
  }

  get failed(): boolean {
    return this.violations.length > 0;
  }
}

/** Where the reader is in the JSON it builds, for the pointer of a {@link SoapDecodeError}. */
export class ReadContext {
  readonly path: (string | number)[] = [];
}
