import type { HttpMethod } from '../routing/types.js';
import type { Violation } from '../errors/gateway-error.js';

/** One operation of one OpenAPI document, as the gateway publishes it. */
export interface OperationSpec {
  readonly operationId: string;
  readonly method: HttpMethod;
  /** The public template: the server base path joined with the document's path, e.g. `/api/users/{id}`. */
  readonly publicTemplate: string;
  /** The path as written in the document, e.g. `/users/{id}`. */
  readonly documentTemplate: string;
  /** The document file (as named in gateway.yaml) this operation comes from. */
  readonly documentFile: string;
  /** Media types the request body may have (empty when the operation takes no body). */
  readonly requestMediaTypes: readonly string[];
  readonly requestBodyRequired: boolean;
  /** The compiled validator for this operation. */
  readonly validator: RequestValidator;
  /** Raw schemas, for type-checking mappings against the contract at load. */
  readonly schemas: OperationSchemas;
}

export interface ParameterSchema {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header';
  readonly required: boolean;
  readonly schema: unknown;
}

/** The JSON Schemas of an operation as written (with `$ref`s), and a resolver for those refs. */
export interface OperationSchemas {
  /** The document's OpenAPI version family: its schemas are JSON Schema draft-04-ish (3.0) or 2020-12 (3.1). */
  readonly dialect: '3.0' | '3.1';
  /** Schema of the JSON request body, undefined when the operation has none. */
  readonly body: unknown;
  readonly parameters: readonly ParameterSchema[];
  /** JSON response schema by status key as written (`"200"`, `"4XX"`, `"default"`). */
  readonly responses: Readonly<Record<string, unknown>>;
  resolveRef(ref: string): unknown;
}

export interface RequestInput {
  /** Path parameters, already percent-decoded. */
  readonly path: Readonly<Record<string, string>>;
  /** The raw query string without the leading `?` (may be empty). */
  readonly rawQuery: string;
  /** Request headers as node gives them (lower-case names). */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Parsed JSON body when the request has one of JSON media type; `undefined` when there is no body or it streams. */
  readonly body: unknown;
  /** True when the request carries a body at all (it may be streaming to the upstream unparsed). */
  readonly hasBody: boolean;
  /** The request media type without parameters, lower-case (e.g. `application/json`), or undefined. */
  readonly mediaType: string | undefined;
}

export interface ValidatedParams {
  /** Coerced parameter values by location (numbers, booleans, arrays as the schema says). */
  readonly path: Readonly<Record<string, unknown>>;
  readonly query: Readonly<Record<string, unknown>>;
  readonly header: Readonly<Record<string, unknown>>;
}

export interface RequestValidator {
  /**
   * Validates and coerces. Never throws for bad input: returns every violation found, with its location
   * (`/path/id`, `/query/limit`, `/header/x-tenant`, `/body/items/0/sku`).
   */
  validate(input: RequestInput): { readonly ok: true; readonly params: ValidatedParams } | { readonly ok: false; readonly violations: readonly Violation[] };
  /** True when the operation has a JSON body schema, so the gateway must read and parse the body to validate it. */
  readonly needsJsonBody: boolean;
  /** True when there is nothing to check (routes whose input is checked elsewhere): the stage is left out. */
  readonly checksNothing?: boolean;
}

/** A problem found while loading a document: rendered by the config loader with the file and pointer. */
export interface LoadIssue {
  readonly file: string;
  /** JSON pointer inside the document, e.g. `/paths/~1users~1{id}/get/parameters/0`. */
  readonly pointer: string;
  readonly message: string;
}
