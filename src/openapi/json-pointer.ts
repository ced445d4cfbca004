/** Escapes one reference token of a JSON pointer (RFC 6901 §3: `~` → `~0`, `/` → `~1`). */
export function escapeToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Unescapes one reference token (RFC 6901 §4: `~1` first, then `~0`). */
export function unescapeToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Appends tokens to a pointer: `child('/paths', '/users')` → `/paths/~1users`. */
export function child(pointer: string, ...tokens: readonly (string | number)[]): string {
  let out = pointer;
  for (const token of tokens) out += '/' + escapeToken(String(token));
  return out;
}

/**
 * Reads the value a JSON pointer designates, or `undefined` when a step is missing. The pointer is the plain form
 * (`/components/schemas/Pet`), not the URI-fragment form.
 */
export function getAtPointer(root: unknown, pointer: string): unknown {
  if (pointer === '') return root;
  if (!pointer.startsWith('/')) return undefined;
  let current: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const token = unescapeToken(raw);
    if (Array.isArray(current)) {
      if (!/^(0|[1-9]\d*)$/.test(token)) return undefined;
      current = current[Number(token)];
    } else if (isRecord(current) && Object.prototype.hasOwnProperty.call(current, token)) {
      current = current[token];
    } else {
      return undefined;
    }
  }
  return current;
}

/**
 * The URI-fragment form of a pointer (RFC 6901 §6): each token percent-encoded, so templates such as
 * `/paths/~1users~1{id}` survive inside a `$ref` URI given to ajv.
 */
export function pointerToFragment(pointer: string): string {
  return '#' + pointer.split('/').map((token) => encodeURIComponent(token).replace(/%7E/gi, '~')).join('/');
}

/** The plain pointer of a URI fragment (without the `#`), or undefined when the escapes are invalid. */
export function fragmentToPointer(fragment: string): string | undefined {
  try {
    return decodeURIComponent(fragment);
  } catch {
    return undefined;
  }
}

/** True for plain objects (what YAML and JSON parse mappings into). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
