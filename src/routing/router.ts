import type { HttpMethod, PathParams, RouteEntry, RouteLookup, Router } from './types.js';
import { parseTemplate, type TemplateSegment } from './template.js';

/**
 * Thrown by {@link createRouter} when two entries have the same method and the same template shape
 * (`/a/{x}` and `/a/{y}` are the same shape: a request could not tell them apart). Carries both templates so the
 * config loader can name the files they come from.
 */
export class RouteConflictError extends Error {
  readonly method: HttpMethod;
  /** Template of the entry registered first. */
  readonly first: string;
  /** Template of the entry that collided with it. */
  readonly second: string;
  /** The `value`s of the two entries, so the caller can name them (operation, file). */
  readonly firstValue: unknown;
  readonly secondValue: unknown;

  constructor(method: HttpMethod, first: string, second: string, firstValue?: unknown, secondValue?: unknown) {
    super(`route conflict: ${method} ${second} has the same shape as ${method} ${first}`);
    this.name = 'RouteConflictError';
    this.method = method;
    this.first = first;
    this.second = second;
    this.firstValue = firstValue;
    this.secondValue = secondValue;
  }
}

interface Handler<T> {
  readonly template: string;
  readonly paramNames: readonly string[];
  /** The last parameter is a `{name=**}` tail (decoded keeping `%2F`). */
  readonly tail: boolean;
  readonly value: T;
  /** Precomputed result for routes without parameters, so their lookups allocate nothing. */
  readonly staticResult: RouteLookup<T> | undefined;
}

interface PatternChild<T> {
  /** Shape key, e.g. `{}.{}`: two templates with the same key share the node. */
  readonly key: string;
  readonly regex: RegExp;
  readonly captures: number;
  readonly literalLength: number;
  readonly node: TrieNode<T>;
}

interface TailChild<T> {
  /** Literal text that must end the path (`:download`), or `""`. Two tails with the same suffix share the node. */
  readonly suffix: string;
  /** A node with handlers only: nothing follows a tail. */
  readonly node: TrieNode<T>;
}

interface TrieNode<T> {
  statics: Map<string, TrieNode<T>> | null;
  patterns: PatternChild<T>[] | null;
  param: TrieNode<T> | null;
  /** `{name=**}` children, longest suffix first. */
  tails: TailChild<T>[] | null;
  handlers: Map<string, Handler<T>> | null;
  /** `Allow` value for this node's path: its methods, HEAD when GET exists, OPTIONS; sorted. */
  allow: string;
  notAllowed: RouteLookup<T> | undefined;
}

const NOT_FOUND: RouteLookup<never> = Object.freeze({ kind: 'not-found' });
const ENCODED_SLASH = /%(2F)/gi;
const EMPTY_PARAMS: PathParams = Object.freeze({});

function newNode<T>(): TrieNode<T> {
  return { statics: null, patterns: null, param: null, tails: null, handlers: null, allow: '', notAllowed: undefined };
}

function allowString(methods: Iterable<string>): string {
  const set = new Set(methods);
  if (set.has('GET')) set.add('HEAD');
  set.add('OPTIONS');
  return [...set].sort().join(', ');
}

/**
 * Builds a router over a fixed set of entries (routes are compiled once at load; there is no `add` after build).
 *
 * Matching rules:
 * - The path is matched segment by segment on its raw, still percent-encoded form; static segments compare
 *   byte for byte. Parameter values are then percent-decoded with `decodeURIComponent`, so `%2F` stays inside its
 *   parameter; a value with an invalid escape makes the lookup `not-found`.
 * - At each level a static child beats a mixed ("pattern") segment such as `{name}.{ext}`, which beats a
 *   full-segment parameter, which beats a `{name=**}` tail; when a branch dead-ends the search backtracks to the
 *   next candidate (depth first, like the google.api.http transcoders of Envoy and ESP), so the order routes are
 *   declared in never matters and a deeper, more specific route is never shadowed by a tail above it. A route with
 *   the requested method wins over an earlier-ranked path that only has other methods.
 * - Pattern parameters are greedy from the left: `{name}.{ext}` on `a.b.c` gives name `a.b`, ext `c`. Patterns at
 *   one level are tried longest literal text first.
 * - A tail matches zero or more whole segments to the end of the path, then its suffix: `/v1/files/{rest=**}`
 *   matches `/v1/files` (rest `""`), `/v1/files/a` and `/v1/files/a/b.txt` (rest `a/b.txt`), and
 *   `/v1/{name=**}:undelete` matches `/v1/a/b:undelete` (name `a/b`). With a suffix at least one segment is needed
 *   (the suffix ends a segment, so `/v1:undelete` is not an empty name). Tails at one level are tried longest
 *   suffix first, so `/v1/a:undelete` goes to `{name=**}:undelete` before `{name=**}`. A tail value keeps `%2F`
 *   and `%2f` encoded, everything else is decoded.
 * - A parameter never matches an empty segment, nor a tail a path with one (`//`, a trailing `/`).
 * - Trailing slashes are significant (strict): `/users/` does not match `/users`. The empty path `""` means `/`.
 * - HEAD falls back to the GET route. A path that exists for other methods gives `method-not-allowed` with the
 *   `Allow` value (the union over every route matching the path, plus HEAD when GET exists, plus OPTIONS).
 *   The router never answers OPTIONS itself: the caller uses `allowFor`.
 *
 * @throws RouteConflictError when two entries have the same method and template shape.
 * @throws Error when a template is malformed (not starting with `/`, unbalanced braces, empty or repeated names, a
 * `{name=**}` that is not alone at the start of the last segment).
 */
export function createRouter<T>(entries: readonly RouteEntry<T>[]): Router<T> {
  const root = newNode<T>();
  let maxParams = 0;

  for (const entry of entries) {
    const segments = parseTemplate(entry.template);
    let node = root;
    const paramNames: string[] = [];
    for (const segment of segments) node = childFor(node, segment, paramNames);
    maxParams = Math.max(maxParams, paramNames.length);
    node.handlers ??= new Map();
    const existing = node.handlers.get(entry.method);
    if (existing !== undefined) throw new RouteConflictError(entry.method, existing.template, entry.template, existing.value, entry.value);
    const staticResult: RouteLookup<T> | undefined =
      paramNames.length === 0 ? Object.freeze({ kind: 'match', value: entry.value, params: EMPTY_PARAMS }) : undefined;
    const tail = segments.at(-1)?.kind === 'tail';
    node.handlers.set(entry.method, { template: entry.template, paramNames, tail, value: entry.value, staticResult });
  }
  finalize(root);

  // Scratch space for raw captures; `find` is synchronous, so one array per router is safe and saves an
  // allocation per lookup.
  const captures: string[] = new Array<string>(maxParams).fill('');
  // Set when the search reached a node with routes but not for the method: only then is the 405 walk worth it.
  let sawPath = false;

  function terminal(node: TrieNode<T>, method: string, count: number): Handler<T> | undefined {
    const handler = handlerOf(node, method);
    if (handler !== undefined) return handler;
    if (node.handlers !== null) sawPath = true;
    return node.tails === null ? undefined : emptyTail(node.tails, method, count);
  }

  /** A tail without suffix matching zero segments: the path ended at the node the tail hangs from. */
  function emptyTail(tails: readonly TailChild<T>[], method: string, count: number): Handler<T> | undefined {
    const last = tails[tails.length - 1];
    if (last === undefined || last.suffix !== '') return undefined; // sorted longest suffix first
    captures[count] = '';
    return terminal(last.node, method, count);
  }

  /** Depth-first search; returns the handler for `method` or undefined. `start` is the index of the segment. */
  function search(node: TrieNode<T>, path: string, start: number, count: number, method: string): Handler<T> | undefined {
    const slash = path.indexOf('/', start);
    const last = slash === -1;
    const end = last ? path.length : slash;

    if (node.statics !== null) {
      const child = node.statics.get(path.slice(start, end));
      if (child !== undefined) {
        const found = last ? terminal(child, method, count) : search(child, path, end + 1, count, method);
        if (found !== undefined) return found;
      }
    }
    if (end === start) {
      // Parameters never match an empty segment; the path "/" is where a root tail matches zero segments.
      return path.length === 1 && node.tails !== null ? emptyTail(node.tails, method, count) : undefined;
    }
    if (node.patterns !== null) {
      const segment = path.slice(start, end);
      for (const pattern of node.patterns) {
        const m = pattern.regex.exec(segment);
        if (m === null) continue;
        for (let i = 0; i < pattern.captures; i++) captures[count + i] = m[i + 1] ?? '';
        const next = count + pattern.captures;
        const found = last ? terminal(pattern.node, method, next) : search(pattern.node, path, end + 1, next, method);
        if (found !== undefined) return found;
      }
    }
    if (node.param !== null) {
      captures[count] = path.slice(start, end);
      const found = last ? terminal(node.param, method, count + 1) : search(node.param, path, end + 1, count + 1, method);
      if (found !== undefined) return found;
    }
    if (node.tails !== null) {
      for (const tail of node.tails) {
        const stop = tailEnd(path, start, tail.suffix);
        if (stop === -1) continue;
        captures[count] = path.slice(start, stop);
        const found = terminal(tail.node, method, count + 1);
        if (found !== undefined) return found;
      }
    }
    return undefined;
  }

  /** Cold path for 405 and OPTIONS: collects the methods of every node matching the path. */
  function collect(node: TrieNode<T>, path: string, start: number, into: TrieNode<T>[]): void {
    const slash = path.indexOf('/', start);
    const last = slash === -1;
    const end = last ? path.length : slash;
    const visit = (child: TrieNode<T>): void => {
      if (!last) collect(child, path, end + 1, into);
      else {
        if (child.handlers !== null) into.push(child);
        collectEmptyTail(child, into);
      }
    };
    const child = node.statics?.get(path.slice(start, end));
    if (child !== undefined) visit(child);
    if (end === start) {
      if (path.length === 1) collectEmptyTail(node, into);
      return;
    }
    if (node.patterns !== null) {
      const segment = path.slice(start, end);
      for (const pattern of node.patterns) if (pattern.regex.test(segment)) visit(pattern.node);
    }
    if (node.param !== null) visit(node.param);
    if (node.tails !== null) for (const tail of node.tails) if (tailEnd(path, start, tail.suffix) !== -1) into.push(tail.node);
  }

  function collectEmptyTail(node: TrieNode<T>, into: TrieNode<T>[]): void {
    const tail = node.tails?.at(-1);
    if (tail !== undefined && tail.suffix === '') into.push(tail.node);
  }

  function allowNodes(rawPath: string): TrieNode<T>[] {
    const nodes: TrieNode<T>[] = [];
    const path = rawPath === '' ? '/' : rawPath;
    if (path.charCodeAt(0) === 47 /* / */) collect(root, path, 1, nodes);
    return nodes;
  }

  function notAllowed(rawPath: string): RouteLookup<T> {
    const nodes = allowNodes(rawPath);
    const only = nodes[0];
    if (only === undefined) return NOT_FOUND;
    if (nodes.length === 1 && only.notAllowed !== undefined) return only.notAllowed;
    return { kind: 'method-not-allowed', allow: allowOf(nodes) };
  }

  return {
    size: entries.length,
    find(method: string, rawPath: string): RouteLookup<T> {
      const path = rawPath === '' ? '/' : rawPath;
      if (path.charCodeAt(0) !== 47 /* / */) return NOT_FOUND;
      sawPath = false;
      const handler = search(root, path, 1, 0, method);
      if (handler === undefined) return sawPath ? notAllowed(path) : NOT_FOUND;
      if (handler.staticResult !== undefined) return handler.staticResult;
      const params: Record<string, string> = {};
      const names = handler.paramNames;
      const tailAt = handler.tail ? names.length - 1 : -1;
      for (let i = 0; i < names.length; i++) {
        const raw = captures[i] ?? '';
        let value = raw;
        if (raw.indexOf('%') !== -1) {
          try {
            // In a tail an encoded slash must stay distinguishable from the separators: `%2F` → `%252F` → `%2F`.
            value = decodeURIComponent(i === tailAt ? raw.replace(ENCODED_SLASH, '%25$1') : raw);
          } catch {
            return NOT_FOUND; // an invalid escape cannot name any resource (RFC 3986 §2.1)
          }
        }
        params[names[i] ?? ''] = value;
      }
      return { kind: 'match', value: handler.value, params };
    },
    allowFor(rawPath: string): string | undefined {
      const nodes = allowNodes(rawPath);
      if (nodes.length === 0) return undefined;
      return nodes.length === 1 && nodes[0] !== undefined ? nodes[0].allow : allowOf(nodes);
    },
  };
}

/**
 * Where the segments a tail matches end (the index of its suffix in `path`), or -1: the path must end with the
 * suffix, and what lies between `start` and the suffix must be one or more non-empty segments.
 */
function tailEnd(path: string, start: number, suffix: string): number {
  const stop = path.length - suffix.length;
  if (stop <= start || (suffix !== '' && !path.endsWith(suffix))) return -1;
  if (path.charCodeAt(start) === 47 /* / */ || path.charCodeAt(stop - 1) === 47) return -1;
  const empty = path.indexOf('//', start);
  return empty !== -1 && empty < stop ? -1 : stop;
}

function handlerOf<T>(node: TrieNode<T>, method: string): Handler<T> | undefined {
  const handlers = node.handlers;
  if (handlers === null) return undefined;
  // RFC 9110 §9.3.2: HEAD is GET without the body, so a GET route serves it unless HEAD is declared.
  return handlers.get(method) ?? (method === 'HEAD' ? handlers.get('GET') : undefined);
}

function allowOf<T>(nodes: readonly TrieNode<T>[]): string {
  const methods: string[] = [];
  for (const node of nodes) if (node.handlers !== null) methods.push(...node.handlers.keys());
  return allowString(methods);
}

function childFor<T>(node: TrieNode<T>, segment: TemplateSegment, paramNames: string[]): TrieNode<T> {
  switch (segment.kind) {
    case 'static': {
      node.statics ??= new Map();
      let child = node.statics.get(segment.text);
      if (child === undefined) {
        child = newNode<T>();
        node.statics.set(segment.text, child);
      }
      return child;
    }
    case 'param':
      paramNames.push(segment.name);
      node.param ??= newNode<T>();
      return node.param;
    case 'pattern': {
      paramNames.push(...segment.names);
      node.patterns ??= [];
      let pattern = node.patterns.find((p) => p.key === segment.key);
      if (pattern === undefined) {
        pattern = {
          key: segment.key,
          regex: segment.regex,
          captures: segment.names.length,
          literalLength: segment.literalLength,
          node: newNode<T>(),
        };
        node.patterns.push(pattern);
        // Longest literal text first: `{a}.tar.gz` is more specific than `{a}.{b}`. Stable sort keeps entry order.
        node.patterns.sort((a, b) => b.literalLength - a.literalLength);
      }
      return pattern.node;
    }
    case 'tail': {
      paramNames.push(segment.name);
      node.tails ??= [];
      let tail = node.tails.find((t) => t.suffix === segment.suffix);
      if (tail === undefined) {
        tail = { suffix: segment.suffix, node: newNode<T>() };
        node.tails.push(tail);
        // Longest suffix first: `{n=**}:undelete` is more specific than `{n=**}`, which must come last.
        node.tails.sort((a, b) => b.suffix.length - a.suffix.length);
      }
      return tail.node;
    }
  }
}

function finalize<T>(node: TrieNode<T>): void {
  if (node.handlers !== null) {
    node.allow = allowString(node.handlers.keys());
    node.notAllowed = Object.freeze({ kind: 'method-not-allowed', allow: node.allow });
  }
  if (node.statics !== null) for (const child of node.statics.values()) finalize(child);
  if (node.patterns !== null) for (const pattern of node.patterns) finalize(pattern.node);
  if (node.param !== null) finalize(node.param);
  if (node.tails !== null) for (const tail of node.tails) finalize(tail.node);
}
