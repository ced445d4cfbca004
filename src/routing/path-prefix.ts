/**
 * The path to route by when `rawPath` lies under `prefix` (a profile's `select.pathPrefix`: a leading `/`, no
 * trailing `/`), or undefined when it does not. The prefix must end at a segment boundary, so `/m` takes `/m` and
 * `/m/cart` but not `/mobile`; the prefix alone routes as `/`.
 */
export function stripPathPrefix(rawPath: string, prefix: string): string | undefined {
  if (!rawPath.startsWith(prefix)) return undefined;
  if (rawPath.length === prefix.length) return '/';
  return rawPath.charCodeAt(prefix.length) === 47 /* / */ ? rawPath.slice(prefix.length) : undefined;
}
