/** Methods a public route can have. HEAD and OPTIONS are answered by the router for GET routes and every path. */
export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'DELETE' | 'PATCH' | 'HEAD' | 'OPTIONS' | 'TRACE';

export interface RouteEntry<T> {
  readonly method: HttpMethod;
  /** Public path template, e.g. `/api/users/{id}` or `/api/files/{name}.{ext}`. */
  readonly template: string;
  readonly value: T;
}

/** Path parameters, percent-decoded. A `%2F` inside a segment stays inside that parameter. */
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
