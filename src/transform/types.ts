import type { Shape } from './shape.js';

/**
 * The data one request exposes to expressions, as plain JSON-like values. Header names are lower case (as node gives
 * them); `steps` holds the decoded results of the steps that ran before, by step name. Any part may be absent: a
 * reference into an absent part gives `undefined`.
 */
export interface Scope {
  readonly path?: unknown;
  readonly query?: unknown;
  readonly headers?: unknown;
  readonly body?: unknown;
  /** Claims of the authenticated caller (e.g. a verified JWT payload). */
  readonly auth?: unknown;
  readonly steps?: unknown;
  /** The Backend-for-Frontend profile serving the request (`mobile`, `web`, …). */
  readonly profile?: unknown;
}

/** The roots an expression may start with, besides `steps`, `env` and (inside `map`) `it`. */
export type SourceName = 'path' | 'query' | 'headers' | 'body' | 'auth' | 'profile';

/** What a compiled expression or template is checked against, and where its text comes from. */
export interface CompileContext {
  /** The mapping file, for messages. */
  readonly file: string;
  /** 1-based line of the expression (or of the template's root) in that file. */
  readonly line: number;
  /**
   * Shapes of the sources. An absent source is `unknown` (anything may be read), except `steps`: a step not listed
   * here is not an earlier step, and referring to it is an error. List a step without a declared response shape as
   * `UNKNOWN_SHAPE`. `profile` defaults to `string`.
   */
  readonly sources: {
    readonly path?: Shape | undefined;
    readonly query?: Shape | undefined;
    readonly headers?: Shape | undefined;
    readonly body?: Shape | undefined;
    readonly auth?: Shape | undefined;
    readonly steps?: Readonly<Record<string, Shape>> | undefined;
    readonly profile?: Shape | undefined;
  };
  /**
   * How messages name each source, e.g. `{ body: 'the request schema of createOrder' }` gives "`body.itms` is not in
   * the request schema of createOrder; did you mean `body.items`?". `steps` names each step's response; `target`
   * names the shape a template writes ("the request message of shop.CreateOrder").
   */
  readonly labels?: {
    readonly path?: string | undefined;
    readonly query?: string | undefined;
    readonly headers?: string | undefined;
    readonly body?: string | undefined;
    readonly auth?: string | undefined;
    readonly profile?: string | undefined;
    readonly steps?: Readonly<Record<string, string>> | undefined;
    readonly target?: string | undefined;
  };
  /** Constants from the gateway config; `env.NAME` is replaced by its value at load. */
  readonly env?: Readonly<Record<string, string>> | undefined;
  /** Clock for `now()`; defaults to the system clock. Inject a fixed one in tests. */
  readonly clock?: (() => Date) | undefined;
  /**
   * Line of a template node from its JSON pointer (e.g. the YAML loader's source map), so each expression in a
   * template reports its own line. Defaults to `line` for every node.
   */
  readonly lineOf?: ((pointer: string) => number | undefined) | undefined;
}

/** An expression parsed, checked and compiled at load. `evaluate` never parses and never throws anything but a `TransformRuntimeError`. */
export interface CompiledExpression {
  /** Computes the value for one request; `undefined` when the value is missing. */
  evaluate(scope: Scope): unknown;
  /** What the value may be, as the checker inferred it (use it to check what a later step or target receives). */
  readonly shape: Shape;
  /** The expression text. */
  readonly source: string;
}

/** A template compiled at load: builds a fresh output tree per call (literal sub-trees are shared and frozen). */
export interface CompiledTemplate {
  evaluate(scope: Scope): unknown;
  readonly shape: Shape;
  /** The template as compact JSON, for messages. */
  readonly source: string;
}

/** A compiled closure: the scope of the request, and the current element inside `map` (`it`). */
export type Fn = (scope: Scope, it: unknown) => unknown;
