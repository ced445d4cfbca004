/**
 * The mapping language: expressions and templates parsed once at load, type-checked against the shapes of their
 * sources and target, and compiled into plain closures. Nothing is parsed or interpreted per request.
 *
 * Expression grammar and precedence: see `parser.ts`. Functions: `FUNCTION_DOCS`. Operators: `operators.ts`.
 */
import { TransformError, type TransformIssue } from './errors.js';
import { compileSource, guard } from './expression.js';
import type { Shape } from './shape.js';
import { compileTree } from './template.js';
import type { CompileContext, CompiledExpression, CompiledTemplate } from './types.js';

export { TransformError, TransformRuntimeError, formatTransformIssue, type TransformIssue, type RuntimeSite } from './errors.js';
export { FUNCTION_DOCS } from './functions.js';
export { shapeFromJsonSchema } from './json-schema.js';
export {
  UNKNOWN_SHAPE,
  arrayOf,
  describeShape,
  membersOf,
  objectOf,
  unionOf,
  BOOLEAN,
  INTEGER,
  MISSING,
  NULL,
  NUMBER,
  OPEN_OBJECT,
  STRING,
  type Shape,
  type ArrayShape,
  type ObjectShape,
  type StringShape,
  type UnionShape,
} from './shape.js';
export { assignIssues } from './assign.js';
export { isTemplateExpression, namedReads } from './template.js';
export type { CompileContext, CompiledExpression, CompiledTemplate, Scope, SourceName } from './types.js';

/**
 * Parses, type-checks and compiles one expression (the text without a template's leading `=`).
 *
 * @throws TransformError with every issue found (each with the file, line, 1-based column and the expression).
 */
export function compileExpression(text: string, context: CompileContext): CompiledExpression {
  const issues: TransformIssue[] = [];
  const compiled = compileSource(text, context, context.line, '', issues);
  if (issues.length > 0) throw new TransformError(issues);
  const evaluate = compiled.constant !== undefined ? constantEvaluate(compiled.constant.value) : guard(compiled.fn, { expression: text, file: context.file, line: context.line });
  return Object.freeze({ evaluate, shape: compiled.shape, source: text });
}

/**
 * Compiles a template: a YAML-derived tree where a string starting with `=` is an expression and everything else is
 * literal (write `"==x"` for the literal text `=x`). With `target`, every produced field is checked against it:
 * unknown fields (with a suggestion), type compatibility, and required fields that are absent or may be missing.
 * Literal parts are built once and shared (deep-frozen); fields whose expression gives no value are left out.
 *
 * @throws TransformError with every issue in the template, not just the first.
 */
export function compileTemplate(template: unknown, context: CompileContext, target?: Shape): CompiledTemplate {
  const issues: TransformIssue[] = [];
  const compiled = compileTree(template, context, target, issues);
  if (issues.length > 0) throw new TransformError(issues);
  const source = JSON.stringify(template) ?? String(template);
  const evaluate = compiled.constant !== undefined ? constantEvaluate(compiled.constant.value) : guard(compiled.fn, { expression: source, file: context.file, line: context.line });
  return Object.freeze({ evaluate, shape: compiled.shape, source });
}

function constantEvaluate(value: unknown): () => unknown {
  return function evaluate() {
    return value;
  };
}
