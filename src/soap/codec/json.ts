/** The JSON values the codec reads and writes. */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** A JSON object as it arrives from JSON.parse or a mapping: not null, not an array. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Sets a field named by a document (fault details, xs:any content), where the name is not known at load: plain
 * assignment of "__proto__" would replace the object's prototype instead of adding a field.
 */
export function setDocumentField(target: JsonObject, key: string, value: JsonValue): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** Appends to an array field named by a document or by the schema, creating it on the first item. */
export function pushField(target: JsonObject, key: string, value: JsonValue): void {
  const current = Object.hasOwn(target, key) ? target[key] : undefined;
  if (Array.isArray(current)) current.push(value);
  else setDocumentField(target, key, [value]);
}
