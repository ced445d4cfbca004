import type { ValidateFunction } from 'ajv';
import type { AjvInstance } from './create-ajv.js';
import { pushCompileIssue, type DocumentSet, type Located } from './document-set.js';
import type { LoadIssue } from './types.js';
import { child, isRecord, pointerToFragment } from './json-pointer.js';
import { isJsonMediaType } from './parameters.js';

/** The compiled request body of one operation. */
export interface BodyPlan {
  /** Keys of `requestBody.content`, lower-cased. */
  readonly mediaTypes: readonly string[];
  readonly required: boolean;
  /** One validator per JSON media type that has a schema, by lower-cased media type without parameters. */
  readonly validators: ReadonlyMap<string, ValidateFunction>;
  /** Used when the request media type has no validator of its own: `application/json`'s, else the first. */
  readonly fallback: ValidateFunction | undefined;
}

/**
 * Reads an operation's `requestBody` (OpenAPI 3.x §4.8.13), following a `$ref` to `#/components/requestBodies`,
 * and compiles a validator for each JSON media type with a schema. Other media types are listed but not validated.
 * Returns undefined when the operation has no request body.
 */
export function compileRequestBody(at: Located, set: DocumentSet, ajv: AjvInstance, file: string, issues: LoadIssue[]): BodyPlan | undefined {
  if (at.value === undefined) return undefined;
  const found = set.deref(at);
  if ('error' in found) return undefined; // reported by the $ref walk
  const body = found.value;
  if (!isRecord(body) || !isRecord(body['content'])) {
    issues.push({ file, pointer: child(found.pointer, 'content'), message: 'expected a Request Body Object with a content map' });
    return undefined;
  }
  const mediaTypes: string[] = [];
  const validators = new Map<string, ValidateFunction>();
  for (const [mediaType, media] of Object.entries(body['content'])) {
    mediaTypes.push(mediaType.toLowerCase());
    const schema = isRecord(media) ? media['schema'] : undefined;
    if (schema === undefined || !isJsonMediaType(mediaType)) continue;
    const pointer = child(found.pointer, 'content', mediaType, 'schema');
    try {
      const validate = ajv.compile({ $ref: found.url + pointerToFragment(pointer) });
      validators.set((mediaType.split(';')[0] ?? '').trim().toLowerCase(), validate);
    } catch (error) {
      pushCompileIssue(error, set, file, pointer, issues);
    }
  }
  const fallback = validators.get('application/json') ?? validators.values().next().value;
  return { mediaTypes, required: body['required'] === true, validators, fallback };
}
