import { compileTemplate, shapeFromJsonSchema, type CompiledTemplate, type Shape } from '../transform/index.js';
import type { HttpUpstream } from '../upstreams/types.js';
import { expressionScope, type MappingCompiler } from './mapping-compiler.js';
import type { MappingStep } from './mapping-schema.js';
import type { CompiledHttpStep, StepScope } from './step-types.js';

/** What {@link compileHttpStep} needs besides the step's own declaration. */
export interface HttpStepInput {
  readonly name: string;
  readonly step: MappingStep & { readonly http: NonNullable<MappingStep['http']> };
  readonly upstream: HttpUpstream;
  readonly dependsOn: readonly string[];
  readonly timeoutMs: number;
  /** Shapes of the steps it reads (optional ones may be missing). */
  readonly visible: Readonly<Record<string, Shape>>;
}

/**
 * Compiles a step that calls an HTTP upstream: path placeholders, query, headers and the JSON body are templates
 * (the body checked against `bodySchema` when declared); `statuses` lists extra upstream statuses that count as
 * success, each with the body to use instead. Problems go to the compiler's issues; undefined then.
 */
export function compileHttpStep(input: HttpStepInput, compiler: MappingCompiler): CompiledHttpStep | undefined {
  const { name, step, visible } = input;
  const at = ['steps', name];
  let failed = false;
  const attempt = <T>(compile: () => T): T | undefined => {
    const compiled = compiler.attempt(compile);
    if (compiled === undefined) failed = true;
    return compiled;
  };
  const context = (key: string, target?: string) => compiler.context([...at, key], visible, target);
  const pathTemplate = attempt(() => compileTemplate(step.path ?? {}, context('path')));
  const query = step.query === undefined ? undefined : attempt(() => compileTemplate(step.query, context('query')));
  const headers = step.headers === undefined ? undefined : attempt(() => compileTemplate(step.headers, context('headers')));
  const bodyTarget = step.bodySchema === undefined ? undefined : shapeFromJsonSchema(step.bodySchema);
  const body =
    step.body === undefined ? undefined : attempt(() => compileTemplate(step.body, context('body', `the request body of step "${name}"`), bodyTarget));
  for (const match of step.http.path.matchAll(/\{([^}]+)\}/g)) {
    const placeholder = match[1] as string;
    if (step.path?.[placeholder] === undefined) {
      failed = true;
      compiler.issue([...at, 'path'], `{${placeholder}} in http.path has no value: add path.${placeholder}`, [...at, 'http', 'path']);
    }
  }
  // Upstream statuses that count as success, each with the result to use instead of the upstream's body.
  const accepted = new Map<number, CompiledTemplate>();
  for (const [status, replacement] of Object.entries(step.statuses ?? {})) {
    if (!/^\d+$/.test(status)) {
      failed = true;
      compiler.issue([...at, 'statuses', status], `"${status}" is a gRPC status name; an http step lists HTTP statuses, e.g. "404"`);
      continue;
    }
    const compiled = attempt(() => compileTemplate(replacement.body, compiler.context([...at, 'statuses', status, 'body'], visible)));
    if (compiled !== undefined) accepted.set(Number(status), compiled);
  }
  if (failed || pathTemplate === undefined) return undefined;
  return {
    name,
    dependsOn: input.dependsOn,
    required: step.required,
    timeoutMs: input.timeoutMs,
    upstream: input.upstream,
    acceptStatus: (status: number) => (status >= 200 && status < 300) || accepted.has(status),
    resultBody: (status: number, scope: StepScope) => {
      const replacement = accepted.get(status);
      return replacement === undefined ? undefined : { body: replacement.evaluate(expressionScope(scope)) };
    },
    buildCall: createCallBuilder(step.http, pathTemplate, query, headers, body),
  };
}

/**
 * Builds one step's upstream request from the scope: path placeholders encoded per segment, query, headers, JSON
 * body. Also used by xml steps (compile-xml-step.ts), without a body: they write their own.
 */
export function createCallBuilder(
  http: NonNullable<MappingStep['http']>,
  pathTemplate: CompiledTemplate,
  query: CompiledTemplate | undefined,
  headers: CompiledTemplate | undefined,
  body: CompiledTemplate | undefined,
): CompiledHttpStep['buildCall'] {
  const parts = http.path.split(/(\{[^}]+\})/);
  const method = http.method;
  return function buildCall(stepScope: StepScope) {
    const scope = expressionScope(stepScope);
    const values = (pathTemplate.evaluate(scope) ?? {}) as Record<string, unknown>;
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
