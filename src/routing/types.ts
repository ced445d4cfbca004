/**
 * Methods a public route can have: OpenAPI's eight, and the other methods node:http's parser accepts (its
 * `http.METHODS`, reachable from google.api.http `custom` rules; see methods.ts). CONNECT is not one: its request
 * target is an authority, never a path (RFC 9110 §9.3.6). HEAD and OPTIONS are answered by the router for GET routes
 * and every path.
 */
export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'DELETE' | 'PATCH' | 'HEAD' | 'OPTIONS' | 'TRACE' | ExtensionMethod;

/** node:http's methods beyond OpenAPI's (WebDAV, CalDAV, UPnP, …), minus CONNECT; a newer Node may parse a few more. */
export type ExtensionMethod =
  | 'ACL' | 'BIND' | 'CHECKOUT' | 'COPY' | 'LINK' | 'LOCK' | 'M-SEARCH' | 'MERGE' | 'MKACTIVITY' | 'MKCALENDAR'
  | 'MKCOL' | 'MOVE' | 'NOTIFY' | 'PROPFIND' | 'PROPPATCH' | 'PURGE' | 'QUERY' | 'REBIND' | 'REPORT' | 'SEARCH'
  | 'SOURCE' | 'SUBSCRIBE' | 'UNBIND' | 'UNLINK' | 'UNLOCK' | 'UNSUBSCRIBE';

export interface RouteEntry<T> {
  readonly method: HttpMethod;
  /**
   * Public path template, e.g. `/api/users/{id}`, `/api/files/{name}.{ext}`, or with a tail `/v1/files/{rest=**}`
   * (zero or more whole segments; last segment only, optionally followed by literal text such as `:download`).
   */
  readonly template: string;
  readonly value: T;
}

/**
 * Path parameters, percent-decoded. A `%2F` inside a segment stays inside that parameter; in a tail parameter, whose
 * value keeps the `/` between its segments, `%2F` and `%2f` stay encoded so that a `/` is always a separator.
 */
export type PathParams = Readonly<Record<string, string>>;

export type RouteLookup<T> =
  | { readonly kind: 'match'; readonly value: T; readonly params: PathParams }
  /** The path exists for other methods. `allow` is the `Allow` header value (includes HEAD when GET exists, and OPTIONS). */
  | { readonly kind: 'method-not-allowed'; readonly allow: string }
  | { readonly kind: 'not-found' };

export interface Router<T> {
  /**
   * Finds the route for a method and a raw path (no query string, still percent-encoded). Cost grows with the number
   * of path segments, not with the number of routes. HEAD falls back to the GET route.
   */
  find(method: string, rawPath: string): RouteLookup<T>;
  /** `Allow` header value for a path, or undefined when no route has that path (for OPTIONS). */
  allowFor(rawPath: string): string | undefined;
  readonly size: number;
}
