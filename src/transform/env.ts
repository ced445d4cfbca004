import type { RuntimeSite } from './errors.js';
import { UNKNOWN_SHAPE, type Shape } from './shape.js';
import type { CompileContext, Fn } from './types.js';

/** One compiled node: its closure, its shape, and its value when known at load (then `fn` just returns it). */
export interface Compiled {
  readonly fn: Fn;
  readonly shape: Shape;
  readonly constant?: { readonly value: unknown } | undefined;
}

/** What compiling one expression needs: its text, where to report, and what `it` is inside `map`. */
export interface Env {
  readonly ctx: CompileContext;
  readonly text: string;
  /** Adds a load error at a 0-based offset into the text. */
  readonly report: (message: string, offset: number) => void;
  /** The runtime location of an offset, for `TransformRuntimeError`. */
  readonly site: (offset: number) => RuntimeSite;
  readonly it: { readonly shape: Shape; readonly label: string } | undefined;
  readonly clock: () => Date;
}

const nothing: Fn = () => undefined;

/** What a node compiles to after an error: accepts anything, so one mistake is reported once, not at every use. */
export const POISON: Compiled = { fn: nothing, shape: UNKNOWN_SHAPE };

export function constant(value: unknown, shape: Shape): Compiled {
  return { fn: () => value, shape, constant: { value } };
}
