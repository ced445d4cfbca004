/**
 * The parts of a step that are one HTTP request, shared by http steps (a JSON body) and xml steps (an XML body
 * they write themselves): path placeholders, query and headers templates, and `statuses` keyed by HTTP status.
 */
import { shapeFromJsonSchema, type CompiledTemplate } from '../transform/index.js';
import { expressionScope } from './mapping-compiler.js';
import type { MappingStep } from './mapping-schema.js';
import { compileStatuses, headerValues, type StepCompilation } from './step-common.js';
import type { CompiledHttpStep, StepScope } from './step-types.js';

/** The compiled templates of one HTTP request; `path` is undefined when it failed to compile. */
export interface HttpCallTemplates {
  readonly path: CompiledTemplate | undefined;
  readonly query: CompiledTemplate | undefined;
  readonly headers: CompiledTemplate | undefined;
  readonly body: CompiledTemplate | undefined;
}

/** Compiles the request templates of `step`; `bodyLabel` names what the body builds, in type errors. */
export function compileHttpCallTemplates(c: StepCompilation, step: MappingStep, bodyLabel: string): HttpCallTemplates {
  const path = c.template(['path'], step.path ?? {});
  const query = step.query === undefined ? undefined : c.template(['query'], step.query);
  const headers = step.headers === undefined ? undefined : c.template(['headers'], step.headers);
  const bodyTarget = step.bodySchema === undefined ? undefined : shapeFromJsonSchema(step.bodySchema);
  const body = step.body === undefined ? undefined : c.template(['body'], step.body, bodyLabel, bodyTarget);
  return { path, query, headers, body };
}

/** Reports each `{placeholder}` of the step's `<key>.path` that its `path` gives no value. */
export function checkPathPlaceholders(c: StepCompilation, step: MappingStep, key: 'http' | 'xml', path: string): void {
  for (const match of path.matchAll(/\{([^}]+)\}/g)) {
    const placeholder = match[1] as string;
    if (step.path?.[placeholder] === undefined) {
      c.issue(['path'], `{${placeholder}} in ${key}.path has no value: add path.${placeholder}`, [key, 'path']);
    }
  }
}

/**
 * Upstream statuses that count as success, each with the result to use instead of the upstream's body. A key that
 * is not a status is reported with `refusal`.
 */
export function compileHttpStatuses(c: StepCompilation, statuses: MappingStep['statuses'], refusal: (listed: string) => string): Map<number, CompiledTemplate> {
  return compileStatuses(c, statuses, (listed) => {
    if (/^\d+$/.test(listed)) return Number(listed);
    c.issue(['statuses', listed], refusal(listed));
    return undefined;
  });
}

/**
 * Builds one step's upstream request from the scope: path placeholders encoded per segment, query, headers, JSON
 * body. xml steps pass no body: they write their own.
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
    const outHeaders = headerValues(headers?.evaluate(scope));
    let payload: Buffer | undefined;
    if (body !== undefined) {
      payload = Buffer.from(JSON.stringify(body.evaluate(scope) ?? null));
      outHeaders['content-type'] = 'application/json';
    }
    return { method, path, headers: outHeaders, body: payload };
  };
}
