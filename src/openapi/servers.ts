import type { LoadIssue } from './types.js';
import { child, isRecord } from './json-pointer.js';

/**
 * The base paths a `servers` array publishes (OpenAPI 3.x §4.8.5 Server Object): the path part of each url, absolute
 * or relative, with `{variables}` replaced by their `default`. Returned without a trailing slash (`''` for the root),
 * deduplicated, in document order. An absent or empty array means one server at `/` (§4.8.1: "If the servers
 * property is not provided, or is an empty array, the default value would be a Server Object with a url value
 * of /"). Problems are pushed to `issues` at `pointer`.
 */
export function serverBasePaths(servers: unknown, pointer: string, file: string, issues: LoadIssue[]): string[] {
  if (servers === undefined) return [''];
  if (!Array.isArray(servers)) {
    issues.push({ file, pointer, message: 'expected an array of Server Objects' });
    return [''];
  }
  const paths: string[] = [];
  servers.forEach((server: unknown, index) => {
    const at = child(pointer, index);
    if (!isRecord(server) || typeof server['url'] !== 'string') {
      issues.push({ file, pointer: child(at, 'url'), message: 'expected a Server Object with a url string' });
      return;
    }
    const url = substituteVariables(server['url'], server['variables'], at, file, issues);
    if (url === undefined) return;
    const base = basePathOf(url);
    if (!paths.includes(base)) paths.push(base);
  });
  return paths.length === 0 ? [''] : paths;
}

function substituteVariables(url: string, variables: unknown, at: string, file: string, issues: LoadIssue[]): string | undefined {
  let ok = true;
  const out = url.replace(/\{([^}]*)\}/g, (_match, name: string) => {
    const variable = isRecord(variables) ? variables[name] : undefined;
    const value = isRecord(variable) ? variable['default'] : undefined;
    if (typeof value !== 'string') {
      ok = false;
      issues.push({
        file,
        pointer: child(at, 'variables', name, 'default'),
        message: `server url uses {${name}}: expected a variable "${name}" with a string default`,
      });
      return '';
    }
    return value;
  });
  return ok ? out : undefined;
}

/** Path part of an absolute or relative URL, without trailing slash: `https://h/api/v1/` → `/api/v1`, `/` → ``. */
export function basePathOf(url: string): string {
  // A relative url ("/v1", "v1") is relative to where the document is served (§4.8.5); only its path matters here.
  const pathname = new URL(url, 'http://relative.invalid/').pathname;
  return pathname.replace(/\/+$/, '');
}

/**
 * The public template of a document path under a base path: `('/api', '/users/{id}')` → `/api/users/{id}`.
 * The document path `/` under a non-empty base gives the base itself (`/api`, not `/api/`), since trailing slashes are
 * significant to the router.
 */
export function joinTemplate(basePath: string, documentPath: string): string {
  if (basePath === '') return documentPath;
  if (documentPath === '/') return basePath;
  return basePath + documentPath;
}
