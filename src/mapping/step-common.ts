/**
 * What compiling and running a step is alike for every protocol (http, xml, grpc, soap): the input a step compiler
 * gets, the bookkeeping that lets one step report all its problems at once, the `statuses` table, and the run-time
 * errors that name the step or the mapping line a value came from.
 */
import { GatewayError } from '../errors/gateway-error.js';
import { compileTemplate, type CompiledTemplate, type Scope, type Shape } from '../transform/index.js';
import type { HttpUpstream, UpstreamCall, UpstreamReply } from '../upstreams/types.js';
import type { MappingCompiler } from './mapping-compiler.js';
import type { MappingStep } from './mapping-schema.js';
import { stepBuildError, stepCallError } from './step-errors.js';
import type { CompiledStep, StepBase, StepCallContext, StepResult } from './step-types.js';
import { locateTemplateNode } from './template-site.js';

/** What every step compiler needs besides its protocol's target. */
export interface StepInput<S extends MappingStep = MappingStep> {
  readonly name: string;
  readonly step: S;
  readonly dependsOn: readonly string[];
  readonly timeoutMs: number;
  /** Shapes of the steps it reads (optional ones may be missing). */
  readonly visible: Readonly<Record<string, Shape>>;
}

/**
 * One step's compilation. Every part is compiled even after one failed, so that the author sees all of the step's
 * problems at once; the step is refused when any part failed. Keys are relative to the step (`['steps', name]`).
 */
export interface StepCompilation {
  /** The step's keys in the mapping file: `['steps', name]`. */
  readonly at: readonly string[];
  /** True once a part failed to compile or an issue was reported. */
  readonly failed: boolean;
  /** Like {@link MappingCompiler.issue}; marks the step failed. */
  issue(keys: readonly PropertyKey[], message: string, lineKeys?: readonly PropertyKey[]): void;
  /**
   * Compiles the template at `keys`, seeing the steps this one reads; `target` names what it builds in type errors
   * and `shape` types it. Like {@link MappingCompiler.attempt}, undefined when it fails (and the step is marked so).
   */
  template(keys: readonly PropertyKey[], template: unknown, target?: string, shape?: Shape): CompiledTemplate | undefined;
}

/** Starts the compilation of the step `input` names. */
export function createStepCompilation(input: StepInput, compiler: MappingCompiler): StepCompilation {
  const at = ['steps', input.name];
  let failed = false;
  return {
    at,
    get failed() {
      return failed;
    },
    issue(keys, message, lineKeys = keys) {
      failed = true;
      compiler.issue([...at, ...keys], message, [...at, ...lineKeys]);
    },
    template(keys, template, target, shape) {
      const compiled = compiler.attempt(() => compileTemplate(template, compiler.context([...at, ...keys], input.visible, target), shape));
      if (compiled === undefined) failed = true;
      return compiled;
    },
  };
}

/** The fields every compiled step has, from its input. */
export function stepBase(input: StepInput): StepBase {
  return { name: input.name, dependsOn: input.dependsOn, required: input.step.required, timeoutMs: input.timeoutMs };
}

/**
 * Compiles a step's `statuses`: `keyOf` turns a listed outcome into its key in the returned map, or reports why the
 * protocol cannot list it (through `c.issue`) and returns undefined. Each replacement body is compiled at
 * `statuses.<listed>.body`; `replacement` names and types it where the protocol knows the result's shape.
 */
export function compileStatuses<K>(
  c: StepCompilation,
  statuses: MappingStep['statuses'],
  keyOf: (listed: string) => K | undefined,
  replacement?: (listed: string) => { readonly label: string; readonly shape: Shape },
): Map<K, CompiledTemplate> {
  const accepted = new Map<K, CompiledTemplate>();
  for (const [listed, declared] of Object.entries(statuses ?? {})) {
    const key = keyOf(listed);
    if (key === undefined) continue;
    const target = replacement?.(listed);
    const compiled = c.template(['statuses', listed, 'body'], declared.body, target?.label, target?.shape);
    if (compiled !== undefined) accepted.set(key, compiled);
  }
  return accepted;
}

/** The result of an outcome listed in `statuses`: its replacement body, built now; a build fault names the step. */
export function replacementResult(
  step: CompiledStep,
  replacement: CompiledTemplate,
  status: number,
  headers: StepResult['headers'],
  scope: Scope,
): StepResult {
  try {
    return { status, headers, body: replacement.evaluate(scope) };
  } catch (error) {
    throw stepBuildError(step, error);
  }
}

const MAX_LISTED = 8;

/** Names offered in a "not found" message: all of them, or the first eight and "…". */
export function listed(names: readonly string[]): string {
  return names.length <= MAX_LISTED ? names.join(', ') : `${names.slice(0, MAX_LISTED).join(', ')}, …`;
}

/** Evaluated header templates as request headers: lower-case names, absent and null values left out. */
export function headerValues(values: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries((values ?? {}) as Record<string, unknown>)) {
    if (value !== undefined && value !== null) out[name.toLowerCase()] = String(value);
  }
  return out;
}

/** The request of a step's HTTP exchange; the step's call context supplies the budget, signal and request id. */
export type StepExchange = Pick<UpstreamCall, 'method' | 'path' | 'headers' | 'body' | 'maxResponseBytes'>;

/**
 * One HTTP exchange of a self-running step (SOAP, plain XML). A failure is named after the step, except a timeout:
 * the executor words every timeout alike, whoever noticed it first.
 */
export function callStepUpstream(step: CompiledStep, upstream: HttpUpstream, exchange: StepExchange, call: StepCallContext): Promise<UpstreamReply> {
  return upstream
    .call({
      ...exchange,
      timeoutMs: call.timeoutMs,
      canceller: call.canceller,
      requestId: call.requestId,
      requestIdHeader: call.requestIdHeader,
    })
    .catch((error: unknown) => {
      throw GatewayError.is(error) && error.code === 'upstream-timeout' ? error : stepCallError(step, error);
    });
}

/**
 * A value a template built that the codec or writer refuses at run time: a `mapping-failed` problem naming the file,
 * the line and the expression (or literal) that wrote it. `tokens` lead from the template's root (at `keys`) to
 * the value; `rest` says what is wrong with it.
 */
export function mappingFault(
  compiler: MappingCompiler,
  template: unknown,
  keys: readonly PropertyKey[],
  tokens: readonly string[],
  rest: string,
  options?: ConstructorParameters<typeof GatewayError>[2],
): GatewayError {
  const site = locateTemplateNode(compiler.source, template, keys, tokens);
  return new GatewayError('mapping-failed', `mapping ${compiler.file} line ${site.line}: \`${site.text}\` ${rest}`, options);
}
