import type { HttpUpstream } from '../upstreams/types.js';
import { checkPathPlaceholders, compileHttpCallTemplates, compileHttpStatuses, createCallBuilder } from './http-call.js';
import { expressionScope, type MappingCompiler } from './mapping-compiler.js';
import type { MappingStep } from './mapping-schema.js';
import { createStepCompilation, stepBase, type StepInput } from './step-common.js';
import type { CompiledHttpStep, StepScope } from './step-types.js';

/** What {@link compileHttpStep} needs besides the step's own declaration. */
export interface HttpStepInput extends StepInput<MappingStep & { readonly http: NonNullable<MappingStep['http']> }> {
  readonly upstream: HttpUpstream;
}

/**
 * Compiles a step that calls an HTTP upstream: path placeholders, query, headers and the JSON body are templates
 * (the body checked against `bodySchema` when declared); `statuses` lists extra upstream statuses that count as
 * success, each with the body to use instead. Problems go to the compiler's issues; undefined then.
 */
export function compileHttpStep(input: HttpStepInput, compiler: MappingCompiler): CompiledHttpStep | undefined {
  const { name, step } = input;
  const c = createStepCompilation(input, compiler);
  const templates = compileHttpCallTemplates(c, step, `the request body of step "${name}"`);
  checkPathPlaceholders(c, step, 'http', step.http.path);
  const accepted = compileHttpStatuses(c, step.statuses, (status) => `"${status}" is a gRPC status name; an http step lists HTTP statuses, e.g. "404"`);
  if (c.failed || templates.path === undefined) return undefined;
  return {
    ...stepBase(input),
    upstream: input.upstream,
    acceptStatus: (status: number) => (status >= 200 && status < 300) || accepted.has(status),
    resultBody: (status: number, scope: StepScope) => {
      const replacement = accepted.get(status);
      return replacement === undefined ? undefined : { body: replacement.evaluate(expressionScope(scope)) };
    },
    buildCall: createCallBuilder(step.http, templates.path, templates.query, templates.headers, templates.body),
  };
}
