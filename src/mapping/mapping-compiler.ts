import { toPointer, type ConfigIssue } from '../config/config-error.js';
import type { SourceMap } from '../config/load-config.js';
import type { OperationSpec } from '../openapi/types.js';
import {
  objectOf,
  shapeFromJsonSchema,
  STRING,
  TransformError,
  UNKNOWN_SHAPE,
  type CompileContext,
  type Scope,
  type Shape,
} from '../transform/index.js';
import { templateLines, type LoadedMapping } from './load-mapping.js';
import type { StepScope } from './step-types.js';

/**
 * What compiling one mapping for one route shares between its parts (the steps of each protocol, the response):
 * the route's request shapes, how to build a transform CompileContext for a place in the file, and where issues go.
 */
export interface MappingCompiler {
  readonly file: string;
  readonly source: SourceMap;
  /** A CompileContext for the template at `keys`, seeing `steps` (shapes of the steps it may read, by name). */
  context(keys: readonly PropertyKey[], steps: Readonly<Record<string, Shape>>, target?: string): CompileContext;
  /** Runs a transform compilation; its TransformError issues become config issues and undefined is returned. */
  attempt<T>(compile: () => T): T | undefined;
  /** A config issue at `keys` of the mapping file, on the line of `lineKeys` (default: the same node). */
  issue(keys: readonly PropertyKey[], message: string, lineKeys?: readonly PropertyKey[]): void;
}

/**
 * Builds the compiler of `loaded` for `operation`: request sources are typed by the operation's parameters and
 * body schema; `stepLabels` names each step's result in messages (gRPC steps name their proto message).
 */
export function createMappingCompiler(
  loaded: LoadedMapping,
  operation: OperationSpec,
  env: Readonly<Record<string, string>>,
  stepLabels: Readonly<Record<string, string>>,
  issues: ConfigIssue[],
): MappingCompiler {
  const { file, source } = loaded;
  const schemas = operation.schemas;
  const resolveRef = (ref: string): unknown => schemas.resolveRef(ref);
  const parameterShape = (location: 'path' | 'query' | 'header'): Shape => {
    const params = schemas.parameters.filter((param) => param.in === location);
    const name = (param: { name: string }): string => (location === 'header' ? param.name.toLowerCase() : param.name);
    return objectOf(
      params.map((param) => [name(param), param.schema === undefined ? UNKNOWN_SHAPE : shapeFromJsonSchema(param.schema, resolveRef)] as const),
      params.filter((param) => param.required).map(name),
      location === 'header' ? STRING : null, // any request header may be read; undeclared ones are strings or absent
    );
  };
  const requestSources = {
    path: parameterShape('path'),
    query: parameterShape('query'),
    headers: parameterShape('header'),
    body: schemas.body === undefined ? undefined : shapeFromJsonSchema(schemas.body, resolveRef),
  };
  const labels = {
    path: `the path parameters of ${operation.operationId}`,
    query: `the query parameters of ${operation.operationId}`,
    headers: `the header parameters of ${operation.operationId}`,
    body: `the request schema of ${operation.operationId}`,
    steps: stepLabels,
  };
  return {
    file,
    source,
    context: (keys, steps, target) => ({
      file,
      line: source.lineOf(keys) ?? 1,
      lineOf: templateLines(source, keys),
      sources: { ...requestSources, steps },
      labels: { ...labels, target },
      env,
    }),
    attempt<T>(compile: () => T): T | undefined {
      try {
        return compile();
      } catch (error) {
        if (!(error instanceof TransformError)) throw error;
        for (const issue of error.issues) {
          issues.push({ file: issue.file, line: issue.line, pointer: issue.pointer, message: `${issue.message} (in \`${issue.expression}\`)` });
        }
        return undefined;
      }
    },
    issue(keys, message, lineKeys = keys) {
      issues.push({ file, line: source.lineOf(lineKeys), pointer: toPointer(keys), message });
    },
  };
}

/** Expressions see `steps.<name>` as the step's decoded body; the executor keeps status and headers beside it. */
export function expressionScope(scope: StepScope): Scope {
  const bodies: Record<string, unknown> = {};
  for (const name in scope.steps) bodies[name] = scope.steps[name]?.body;
  return { ...scope, steps: bodies };
}
