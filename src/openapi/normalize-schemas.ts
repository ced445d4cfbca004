import type { Dialect } from './create-ajv.js';
import type { DocumentSet } from './document-set.js';
import { isRecord } from './json-pointer.js';

/**
 * Rewrites, in place, the parts of a document's schemas that ajv would read differently from OpenAPI, before the
 * documents are registered with ajv. Pointers do not change.
 * - 3.0 only: `exclusiveMinimum: true` with `minimum: n` (the draft-05 boolean form OpenAPI 3.0 §4.7.24.1 inherits)
 *   becomes `exclusiveMinimum: n`, the numeric form ajv's draft-07 engine implements. Same for the maximum.
 * - Both: a property marked `readOnly: true` is dropped from `required`, because OpenAPI 3.0 §4.7.24.3 says such a
 *   property "SHOULD NOT be sent as part of the request" even when it is required (3.1 keeps that meaning through
 *   JSON Schema's readOnly annotation); these documents are only used to validate requests.
 */
export function normalizeSchemas(set: DocumentSet, dialect: Dialect): void {
  const seen = new Set<unknown>();
  const visit = (value: unknown, url: string): void => {
    if (typeof value !== 'object' || value === null || seen.has(value)) return;
    seen.add(value);
    if (Array.isArray(value)) {
      for (const item of value) visit(item, url);
      return;
    }
    const node = value as Record<string, unknown>;
    if (dialect === '3.0') {
      booleanBound(node, 'exclusiveMinimum', 'minimum');
      booleanBound(node, 'exclusiveMaximum', 'maximum');
    }
    dropReadOnlyRequired(node, url, set);
    for (const [key, item] of Object.entries(node)) {
      if (key === 'example' || key === 'examples' || key === 'default' || key === 'enum' || key === 'const') continue;
      visit(item, url);
    }
  };
  for (const doc of set.documents) visit(doc.root, doc.url);
}

function booleanBound(node: Record<string, unknown>, exclusive: string, bound: string): void {
  const flag = node[exclusive];
  if (typeof flag !== 'boolean') return;
  if (flag && typeof node[bound] === 'number') {
    node[exclusive] = node[bound];
    delete node[bound];
  } else {
    delete node[exclusive];
  }
}

function dropReadOnlyRequired(node: Record<string, unknown>, url: string, set: DocumentSet): void {
  const required = node['required'];
  const properties = node['properties'];
  if (!Array.isArray(required) || !isRecord(properties)) return;
  const kept = required.filter((name) => {
    if (typeof name !== 'string') return true;
    const property = properties[name];
    if (property === undefined) return true;
    const found = set.deref({ value: property, url, pointer: '' });
    return !('value' in found && isRecord(found.value) && found.value['readOnly'] === true);
  });
  if (kept.length !== required.length) node['required'] = kept;
}
