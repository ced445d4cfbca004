import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** A document's address: an absolute file path, or an http(s) URL (`isUrl`). */
export interface DocumentLocation {
  readonly key: string;
  readonly isUrl: boolean;
}

const HTTP_URL = /^https?:\/\//i;
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/** The location of the WSDL a user names: an http(s) URL, a file: URL, or a path relative to `baseDir`. */
export function sourceLocation(source: string, baseDir: string): DocumentLocation | { readonly error: string } {
  if (HTTP_URL.test(source)) return urlLocation(source);
  if (source.startsWith('file:')) return { key: fileURLToPath(source), isUrl: false };
  return { key: path.resolve(baseDir, source), isUrl: false };
}

/**
 * Resolves a `location` / `schemaLocation` (a URI reference) against the document that contains it.
 * A fetched document may only point at other http(s) documents: it must never make the gateway read a local file.
 */
export function resolveLocation(from: DocumentLocation, reference: string): DocumentLocation | { readonly error: string } {
  const ref = reference.trim();
  if (ref === '') return { error: 'the location is empty' };
  if (from.isUrl) {
    let url: URL;
    try {
      url = new URL(ref, from.key);
    } catch {
      return { error: `"${ref}" is not a valid URI reference` };
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return { error: `a fetched document may only refer to http(s) documents, not "${ref}"` };
    }
    return urlLocation(url.href);
  }
  if (HTTP_URL.test(ref)) return urlLocation(ref);
  // A Windows-style or other scheme (urn:, ftp:) cannot be read; a file: URL or a relative reference can.
  if (SCHEME.test(ref) && !ref.startsWith('file:')) return { error: `cannot read "${ref}": only files and http(s) URLs are supported` };
  try {
    return { key: fileURLToPath(new URL(ref, pathToFileURL(from.key))), isUrl: false };
  } catch {
    return { error: `"${ref}" is not a valid URI reference` };
  }
}

/** How messages name a document: relative to `baseDir` (with forward slashes) for files, the URL otherwise. */
export function displayLocation(location: DocumentLocation, baseDir: string): string {
  if (location.isUrl) return location.key;
  const relative = path.relative(path.resolve(baseDir), location.key);
  return (relative === '' ? path.basename(location.key) : relative).split(path.sep).join('/');
}

function urlLocation(text: string): DocumentLocation | { readonly error: string } {
  try {
    const url = new URL(text);
    // The fragment never reaches the server and does not name another document.
    url.hash = '';
    return { key: url.href, isUrl: true };
  } catch {
    return { error: `"${text}" is not a valid URL` };
  }
}
