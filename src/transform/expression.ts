import { compileNode } from './compiler.js';
import { POISON, type Compiled, type Env } from './env.js';
import { TransformRuntimeError, type RuntimeSite, type TransformIssue } from './errors.js';
import { SyntaxFault } from './lexer.js';
import { parse } from './parser.js';
import type { CompileContext, Fn, Scope } from './types.js';

const systemClock = (): Date => new Date();

/**
 * Parses, checks and compiles one expression text; issues go to `issues` (with `line` and `pointer` as given).
 * Returns `POISON` (accepts anything, gives `undefined`) when the text does not parse.
 */
export function compileSource(text: string, ctx: CompileContext, line: number, pointer: string, issues: TransformIssue[]): Compiled {
  const report = (message: string, offset: number): void => {
    issues.push({ file: ctx.file, line, column: offset + 1, expression: text, pointer, message });
  };
  let root;
  try {
    root = parse(text);
  } catch (error) {
    if (!(error instanceof SyntaxFault)) throw error;
    report(`syntax error: ${error.message}`, error.offset);
    return POISON;
  }
  const env: Env = {
    ctx,
    text,
    report,
    site: (offset): RuntimeSite => ({ expression: text, file: ctx.file, line, column: offset + 1 }),
    it: undefined,
    clock: ctx.clock ?? systemClock,
  };
  return compileNode(root, env);
}

/**
 * The entry point of a compiled closure: runs it with no `it`, and turns any unexpected exception into a
 * `TransformRuntimeError` at `site`, so callers only ever see that one error type.
 */
export function guard(fn: Fn, site: RuntimeSite): (scope: Scope) => unknown {
  return function evaluate(scope) {
    try {
      return fn(scope, undefined);
    } catch (error) {
      if (error instanceof TransformRuntimeError) throw error;
      throw new TransformRuntimeError(`unexpected fault: ${error instanceof Error ? error.message : String(error)}`, site);
    }
  };
}
