import { toPointer, type ConfigIssue } from '../config/config-error.js';
import type { OperationSpec } from '../openapi/types.js';
import { compileResponseValidator, type ResponseValidator } from '../openapi/response-validator.js';
import {
  compileExpression,
  compileTemplate,
  objectOf,
  shapeFromJsonSchema,
  STRING,
  TransformError,
  UNKNOWN_SHAPE,
  unionOf,
  MISSING,
  type CompileContext,
  type CompiledExpression,
  type CompiledTemplate,
  type Scope,
  type Shape,
} from '../transform/index.js';
import type { HttpUpstream } from '../upstreams/types.js';
import { planSteps, StepPlanError, type StepPlan } from './executor.js';
import type { CompiledStep, StepScope } from './step-types.js';
import { templateLines, type LoadedMapping } from './load-mapping.js';
import type { MappingStep } from './mapping-schema.js';

/** A mapping compiled for one route: its step plan and its response shaping, all closures. */
export interface CompiledMapping {
  readonly file: string;
  readonly plan: StepPlan;
  /** A fixed status, or an expression over the scope (with `steps`). */
  readonly status: number | CompiledExpression;
  readonly headers: CompiledTemplate | undefined;
  readonly body: CompiledTemplate;
  /** Present when `validateResponses` is on for the route and the status's response has a JSON schema. */
  readonly validateResponse: ResponseValidator | undefined;
}

const STEP_REFERENCE = /\bsteps\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_]*)|\[\s*["']([^"']+)["']\s*\])/g;

/**
 * Compiles a loaded mapping against the route it binds: every expression is type-checked against the route's
 * OpenAPI request (body, path, query, headers), the declared shapes of the steps it reads, and the target it writes
 * (a step's `bodySchema`, the route's response schema). Dependencies between steps are read from the
 * expressions; a cycle or an unknown step is a config error. All problems go to `issues`.
 */
export function compileMapping(
  loaded: LoadedMapping,
  operation: OperationSpec,
  upstreams: ReadonlyMap<string, HttpUpstream>,
  defaultTimeoutMs: (upstream: string) => number,
  env: Readonly<Record<string, string>>,
  validateResponses: boolean,
  issues: ConfigIssue[],
): CompiledMapping | undefined {
  const { spec, file, source } = loaded;
  const before = issues.length;
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
  };
  const stepShape = (step: MappingStep): Shape =>
    step.response === undefined ? UNKNOWN_SHAPE : shapeFromJsonSchema(step.response.schema);
  const context = (keys: readonly PropertyKey[], steps: Record<string, Shape>, target?: string): CompileContext => ({
    file,
    line: source.lineOf(keys) ?? 1,
    lineOf: templateLines(source, keys),
    sources: { ...requestSources, steps },
    labels: { ...labels, target },
    env,
  });
  const attempt = <T>(compile: () => T): T | undefined => {
    try {
      return compile();
    } catch (error) {
      if (!(error instanceof TransformError)) throw error;
      for (const issue of error.issues) {
        issues.push({ file: issue.file, line: issue.line, pointer: issue.pointer, message: `${issue.message} (in \`${issue.expression}\`)` });
      }
      return undefined;
    }
  };

  const stepNames = Object.keys(spec.steps);
  const steps: CompiledStep[] = [];
  for (const name of stepNames) {
    const step = spec.steps[name] as MappingStep;
    const at = ['steps', name];
    const upstream = upstreams.get(step.upstream);
    if (upstream === undefined) {
      issues.push({ file, line: source.lineOf([...at, 'upstream']), pointer: toPointer([...at, 'upstream']), message: `upstream "${step.upstream}" is not defined in gateway.yaml; expected one of: ${[...upstreams.keys()].join(', ')}` });
      continue;
    }
    // Unknown step names stay out of the dependencies: the type checker reports them, with a suggestion.
    const dependsOn = referencedSteps(step).filter((dependency) => dependency in spec.steps);
    const visible: Record<string, Shape> = {};
    for (const dependency of dependsOn) {
      const other = spec.steps[dependency] as MappingStep;
      visible[dependency] = other.required ? stepShape(other) : unionOf(stepShape(other), MISSING);
    }
    const pathTemplate = attempt(() => compileTemplate(step.path ?? {}, context([...at, 'path'], visible)));
    const query = step.query === undefined ? undefined : attempt(() => compileTemplate(step.query, context([...at, 'query'], visible)));
    const headers = step.headers === undefined ? undefined : attempt(() => compileTemplate(step.headers, context([...at, 'headers'], visible)));
    const bodyTarget = step.bodySchema === undefined ? undefined : shapeFromJsonSchema(step.bodySchema);
    const body =
      step.body === undefined
        ? undefined
        : attempt(() => compileTemplate(step.body, context([...at, 'body'], visible, `the request body of step "${name}"`), bodyTarget));
    const placeholders = [...step.http.path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] as string);
    for (const placeholder of placeholders) {
      if (step.path?.[placeholder] === undefined) {
        issues.push({ file, line: source.lineOf([...at, 'http', 'path']), pointer: toPointer([...at, 'path']), message: `{${placeholder}} in http.path has no value: add path.${placeholder}` });
      }
    }
    // Upstream statuses that count as success, each with the result to use instead of the upstream's body.
    const accepted = new Map<number, CompiledTemplate>();
    for (const [status, replacement] of Object.entries(step.statuses ?? {})) {
      const compiled = attempt(() => compileTemplate(replacement.body, context([...at, 'statuses', status, 'body'], visible)));
      if (compiled !== undefined) accepted.set(Number(status), compiled);
    }
    steps.push({
      name,
      dependsOn,
      required: step.required,
      timeoutMs: step.timeoutMs ?? defaultTimeoutMs(step.upstream),
      upstream,
      acceptStatus: (status: number) => (status >= 200 && status < 300) || accepted.has(status),
      resultBody: (status: number, scope: StepScope) => {
        const replacement = accepted.get(status);
        return replacement === undefined ? undefined : { body: replacement.evaluate(expressionScope(scope)) };
      },
      buildCall: createCallBuilder(step, pathTemplate, query, headers, body),
    });
  }

  let plan: StepPlan | undefined;
  try {
    plan = planSteps(steps);
  } catch (error) {
    if (!(error instanceof StepPlanError)) throw error;
    for (const issue of error.issues) {
      issues.push({ file, line: source.lineOf(['steps', issue.step]), pointer: toPointer(['steps', issue.step]), message: issue.message });
    }
  }

  const allSteps: Record<string, Shape> = {};
  for (const name of stepNames) {
    const step = spec.steps[name] as MappingStep;
    allSteps[name] = step.required ? stepShape(step) : unionOf(stepShape(step), MISSING);
  }
  const response = spec.response;
  const status =
    typeof response.status === 'number'
      ? response.status
      : attempt(() => compileExpression((response.status as string).slice(1), context(['response', 'status'], allSteps)));
  const responseSchema = typeof response.status === 'number' ? responseSchemaFor(operation, response.status) : undefined;
  const target = responseSchema === undefined ? undefined : shapeFromJsonSchema(responseSchema, resolveRef);
  const responseBody = attempt(() =>
    compileTemplate(response.body, context(['response', 'body'], allSteps, `the ${String(response.status)} response schema of ${operation.operationId}`), target),
  );
  const responseHeaders =
    Object.keys(response.headers).length === 0 ? undefined : attempt(() => compileTemplate(response.headers, context(['response', 'headers'], allSteps)));

  if (issues.length > before || plan === undefined || status === undefined || responseBody === undefined) return undefined;
  const validateResponse = validateResponses ? compileResponseValidator(schemas, responseSchema) : undefined;
  return Object.freeze({ file, plan, status, headers: responseHeaders, body: responseBody, validateResponse });
}

/** Expressions see `steps.<name>` as the step's decoded body; the executor keeps status and headers beside it. */
function expressionScope(scope: StepScope): Scope {
  const bodies: Record<string, unknown> = {};
  for (const name in scope.steps) bodies[name] = scope.steps[name]?.body;
  return { ...scope, steps: bodies };
}

function referencedSteps(step: MappingStep): string[] {
  const names = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      if (!value.startsWith('=')) return;
      for (const match of value.matchAll(STEP_REFERENCE)) names.add((match[1] ?? match[2]) as string);
    } else if (Array.isArray(value)) value.forEach(visit);
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(visit);
  };
  visit([step.path, step.query, step.headers, step.body]);
  return [...names];
}

/** The JSON response schema the mapping's status answers with: exact status, then `2XX`-style range, then default. */
function responseSchemaFor(operation: OperationSpec, status: number): unknown {
  const responses = operation.schemas.responses;
  return responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
}

/** Builds one step's upstream request from the scope: path placeholders encoded per segment, query, headers, JSON body. */
function createCallBuilder(
  step: MappingStep,
  pathTemplate: CompiledTemplate | undefined,
  query: CompiledTemplate | undefined,
  headers: CompiledTemplate | undefined,
  body: CompiledTemplate | undefined,
): CompiledStep['buildCall'] {
  const parts = step.http.path.split(/(\{[^}]+\})/);
  const method = step.http.method;
  return function buildCall(stepScope: StepScope) {
    const scope = expressionScope(stepScope);
    const values = (pathTemplate?.evaluate(scope) ?? {}) as Record<string, unknown>;
    let path = '';
    for (const part of parts) {
      path += part.startsWith('{') && part.endsWith('}') ? encodeURIComponent(String(values[part.slice(1, -1)] ?? '')) : part;
    }
    if (query !== undefined) {
      const search = new URLSearchParams();
      for (const [name, value] of Object.entries((query.evaluate(scope) ?? {}) as Record<string, unknown>)) {
        if (value === undefined || value === null) continue;
        if (Array.isArray(value)) for (const item of value) search.append(name, String(item));
        else search.append(name, String(value));
      }
      const text = search.toString();
      if (text !== '') path += `?${text}`;
    }
    const outHeaders: Record<string, string> = {};
    for (const [name, value] of Object.entries((headers?.evaluate(scope) ?? {}) as Record<string, unknown>)) {
      if (value !== undefined && value !== null) outHeaders[name.toLowerCase()] = String(value);
    }
    let payload: Buffer | undefined;
    if (body !== undefined) {
      payload = Buffer.from(JSON.stringify(body.evaluate(scope) ?? null));
      outHeaders['content-type'] = 'application/json';
    }
    return { method, path, headers: outHeaders, body: payload };
  };
}
