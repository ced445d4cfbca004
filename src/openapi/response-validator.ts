import { createAjv } from './create-ajv.js';
import { isRecord } from './json-pointer.js';
import type { OperationSchemas } from './types.js';
import type { Violation } from '../errors/gateway-error.js';
import { pushAjvViolations } from './ajv-violations.js';

/** Checks a response body the gateway shaped against the operation's response schema (`validateResponses`). */
export type ResponseValidator = (body: unknown) => readonly Violation[];

/**
 * Compiles the JSON response schema of `status` into a validator, or returns undefined when the operation declares
 * none. `$ref`s are inlined through the document's resolver; a recursive reference is cut off (accepted as is) at
 * its second occurrence on one path, which keeps the schema finite.
 */
export function compileResponseValidator(schemas: OperationSchemas, schema: unknown): ResponseValidator | undefined {
  if (schema === undefined) return undefined;
  const inlined = inline(schema, schemas, []);
  const validate = createAjv(schemas.dialect).compile(isRecord(inlined) ? inlined : {});
  return (body) => {
    if (validate(body)) return [];
    const violations: Violation[] = [];
    pushAjvViolations('/response', validate.errors, violations);
    return violations;
  };
}

function inline(value: unknown, schemas: OperationSchemas, stack: string[]): unknown {
  if (Array.isArray(value)) return value.map((item) => inline(item, schemas, stack));
  if (!isRecord(value)) return value;
  const ref = value.$ref;
  if (typeof ref === 'string') {
    if (stack.includes(ref)) return {};
    return inline(schemas.resolveRef(ref), schemas, [...stack, ref]);
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = inline(item, schemas, stack);
  return out;
}
