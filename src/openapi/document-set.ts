import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseDocument } from 'yaml';
import type { LoadIssue } from './types.js';
import { child, fragmentToPointer, getAtPointer, isRecord } from './json-pointer.js';

/** A value inside one of the loaded documents: its document URL (also its ajv `$id`) and JSON pointer. */
export interface Located {
  readonly value: unknown;
  readonly url: string;
  readonly pointer: string;
}

/** One parsed file: the OpenAPI document itself, or a file one of its `$ref`s points to. */
export interface LoadedDocument {
  /** `file://` URL of the file: the base for relative `$ref`s and the `$id` it is registered under in ajv. */
  readonly url: string;
  /** Name used in issues: the display name of the main document, or a sibling path for referenced files. */
  readonly display: string;
  readonly root: unknown;
}

/** The main document and every file reachable through its `$ref`s, with `$ref` resolution. */
export interface DocumentSet {
  readonly main: LoadedDocument;
  /** Every loaded document, the main one first. */
  readonly documents: readonly LoadedDocument[];
  /** True when some `$ref` did not resolve (already reported), so ajv's own missing-ref errors are repeats. */
  readonly hasBrokenRefs: boolean;
  /** Follows `$ref` chains from a location to the final value; an error message when one does not resolve. */
  deref(at: Located): Located | { readonly error: string };
}

/**
 * Reads and parses a YAML or JSON file (YAML 1.2 is a superset of JSON, so one parser takes both). Returns the
 * parsed value, or the problems as messages (unreadable file, syntax errors with line and column).
 */
export function readDocumentFile(absPath: string): { readonly root: unknown } | { readonly errors: readonly string[] } {
  let text: string;
  try {
    text = readFileSync(absPath, 'utf8');
  } catch (error) {
    const code = isRecord(error) && typeof error['code'] === 'string' ? error['code'] : 'error';
    return { errors: [`cannot read the file (${code}): expected a readable OpenAPI document at ${absPath}`] };
  }
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    // prettyErrors appends " at line L, column C:" and a code excerpt; keep the one-line form.
    return { errors: doc.errors.map((e) => (e.message.split('\n')[0] ?? e.message).replace(/:$/, '')) };
  }
  return { root: doc.toJS({ maxAliasCount: 1000 }) as unknown };
}

/** Keys whose values are instance data, not OpenAPI objects or schemas: a `$ref` in them is data. */
const DATA_KEYS = new Set(['example', 'examples', 'default', 'enum', 'const']);

/**
 * Builds the set from the parsed main document: walks every `$ref` (the main document's and, transitively, those of
 * the files it references), loads referenced files relative to the referring file, and reports each `$ref` that
 * does not resolve as an issue at the pointer of that `$ref`. Remote (`http:`) references are reported as not
 * supported.
 */
export function createDocumentSet(absPath: string, display: string, root: unknown, issues: LoadIssue[]): DocumentSet {
  const main: LoadedDocument = { url: pathToFileURL(absPath).href, display, root };
  const byUrl = new Map<string, LoadedDocument | { readonly error: string }>([[main.url, main]]);
  const documents: LoadedDocument[] = [main];
  const pending: LoadedDocument[] = [main];
  let brokenRefs = 0;

  function documentFor(url: string): LoadedDocument | { readonly error: string } {
    const known = byUrl.get(url);
    if (known !== undefined) return known;
    const path = fileURLToPath(url);
    const read = readDocumentFile(path);
    let result: LoadedDocument | { readonly error: string };
    if ('errors' in read) {
      result = { error: `cannot load referenced file ${path}: ${read.errors.join('; ')}` };
    } else {
      // Name the file the way the user named the main document: relative to its display name's folder.
      const relative = posix.relative(posix.dirname(absPath), path);
      const loaded: LoadedDocument = { url, display: posix.join(posix.dirname(display), relative), root: read.root };
      documents.push(loaded);
      pending.push(loaded);
      result = loaded;
    }
    byUrl.set(url, result);
    return result;
  }

  function resolve(ref: string, base: LoadedDocument): Located | { readonly error: string } {
    const hash = ref.indexOf('#');
    const uriPart = hash === -1 ? ref : ref.slice(0, hash);
    const fragment = hash === -1 ? '' : ref.slice(hash + 1);
    let doc: LoadedDocument | { readonly error: string } = base;
    if (uriPart !== '') {
      if (/^[a-z][a-z0-9+.-]*:/i.test(uriPart) && !uriPart.startsWith('file:')) {
        return { error: `$ref "${ref}" is remote: only local pointers and relative files are supported` };
      }
      doc = documentFor(new URL(uriPart, base.url).href.replace(/#.*$/, ''));
      if ('error' in doc) return doc;
    }
    const pointer = fragmentToPointer(fragment);
    if (pointer === undefined || (pointer !== '' && !pointer.startsWith('/'))) {
      return { error: `$ref "${ref}" must end in a JSON pointer such as #/components/schemas/Name` };
    }
    const value = getAtPointer(doc.root, pointer);
    if (value === undefined) return { error: `$ref "${ref}" does not resolve: nothing at ${pointer || '/'} in ${doc.display}` };
    return { value, url: doc.url, pointer };
  }

  function walk(doc: LoadedDocument, value: unknown, pointer: string): void {
    if (Array.isArray(value)) {
      value.forEach((item, index) => walk(doc, item, child(pointer, index)));
      return;
    }
    if (!isRecord(value)) return;
    const ref = value['$ref'];
    if (typeof ref === 'string') {
      const found = resolve(ref, doc);
      if ('error' in found) {
        brokenRefs++;
        issues.push({ file: doc.display, pointer: child(pointer, '$ref'), message: found.error });
      }
    }
    for (const [key, item] of Object.entries(value)) {
      if (DATA_KEYS.has(key) || key.startsWith('x-')) continue;
      walk(doc, item, child(pointer, key));
    }
  }

  for (let doc = pending.shift(); doc !== undefined; doc = pending.shift()) walk(doc, doc.root, '');

  const docOf = (url: string): LoadedDocument => {
    const doc = byUrl.get(url);
    return doc !== undefined && !('error' in doc) ? doc : main;
  };

  return {
    main,
    documents,
    hasBrokenRefs: brokenRefs > 0,
    deref(at: Located): Located | { readonly error: string } {
      let current = at;
      const seen = new Set<string>();
      for (;;) {
        if (!isRecord(current.value) || typeof current.value['$ref'] !== 'string') return current;
        const key = `${current.url}#${current.pointer}`;
        if (seen.has(key)) return { error: `$ref cycle at ${current.pointer}` };
        seen.add(key);
        const next = resolve(current.value['$ref'], docOf(current.url));
        if ('error' in next) return next;
        current = next;
      }
    },
  };
}

/**
 * Turns an ajv compile error into an issue at the schema's pointer, unless it is ajv's report of a `$ref` the
 * document walk already reported (ajv's MissingRefError carries `missingRef`).
 */
export function pushCompileIssue(error: unknown, set: { readonly hasBrokenRefs: boolean }, file: string, pointer: string, issues: LoadIssue[]): void {
  if (set.hasBrokenRefs && isRecord(error) && typeof error['missingRef'] === 'string') return;
  const message = error instanceof Error ? error.message : String(error);
  issues.push({ file, pointer, message: `the schema does not compile: ${message}` });
}
