import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  compileExpression,
  compileTemplate,
  shapeFromJsonSchema,
  TransformRuntimeError,
  UNKNOWN_SHAPE,
  type CompileContext,
  type Scope,
  type Shape,
} from '../../src/transform/index.js';

interface GoldenCase {
  name: string;
  expression?: string;
  template?: unknown;
  target?: unknown;
  scope: Scope;
  expected?: unknown;
  missing?: boolean;
  throws?: string;
}
interface GoldenFile {
  env?: Record<string, string>;
  sources?: Record<string, unknown>;
  cases: GoldenCase[];
}

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '../golden/expressions');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
const CLOCK = new Date('2024-05-01T12:00:00.000Z');

/** Sources from the file's schemas; every step the case's scope holds is declared, with an undeclared (unknown) shape. */
function contextOf(file: string, golden: GoldenFile, scope: Scope): CompileContext {
  const sources: Record<string, Shape> = {};
  for (const [name, schema] of Object.entries(golden.sources ?? {})) sources[name] = shapeFromJsonSchema(schema);
  const steps = Object.fromEntries(Object.keys((scope.steps as object | undefined) ?? {}).map((name) => [name, UNKNOWN_SHAPE]));
  return { file, line: 1, sources: { ...sources, steps }, env: golden.env ?? {}, clock: () => CLOCK };
}

describe('golden transform pairs', () => {
  it('has a golden file per function and shaping operation', () => {
    for (const name of ['default', 'coalesce', 'toNumber', 'toString', 'toBoolean', 'upper', 'lower', 'concat', 'join', 'split', 'map', 'pick', 'omit', 'rename', 'merge', 'now', 'length', 'keys', 'values']) {
      expect(files).toContain(`fn-${name}.yaml`);
    }
    for (const name of ['shape-nest', 'shape-flatten', 'shape-array-mapping', 'shape-defaults', 'shape-computed', 'projections', 'operators']) {
      expect(files).toContain(`${name}.yaml`);
    }
  });

  for (const file of files) {
    const golden = parse(readFileSync(path.join(dir, file), 'utf8')) as GoldenFile;
    describe(file, () => {
      for (const c of golden.cases) {
        it(c.name, () => {
          const context = contextOf(file, golden, c.scope);
          const target = c.target === undefined ? undefined : shapeFromJsonSchema(c.target);
          const compiled =
            c.expression !== undefined ? compileExpression(c.expression, context) : compileTemplate(c.template, context, target);
          if (c.throws !== undefined) {
            let caught: unknown;
            try {
              compiled.evaluate(c.scope);
            } catch (error) {
              caught = error;
            }
            expect(caught).toBeInstanceOf(TransformRuntimeError);
            expect((caught as TransformRuntimeError).reason).toBe(c.throws);
            expect((caught as TransformRuntimeError).file).toBe(file);
            return;
          }
          const output = compiled.evaluate(c.scope);
          if (c.missing === true) expect(output).toBeUndefined();
          else expect(output).toEqual(c.expected);
        });
      }
    });
  }
});
