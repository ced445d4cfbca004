const NO_QUERY: Readonly<Record<string, string>> = Object.freeze({});

/**
 * A raw query string as the `query` source of templates: name → value, the last one of a repeated name (what
 * OpenAPI validation did not already type). An empty query allocates nothing.
 */
export function queryObject(rawQuery: string): Readonly<Record<string, string>> {
  return rawQuery === '' ? NO_QUERY : Object.fromEntries(new URLSearchParams(rawQuery));
}
