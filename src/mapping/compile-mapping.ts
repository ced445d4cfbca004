import type protobuf from 'protobufjs';
import { toPointer, type ConfigIssue } from '../config/config-error.js';
import type { OperationSpec } from '../openapi/types.js';
import { compileResponseValidator, type ResponseValidator } from '../openapi/response-validator.js';
import {
  compileExpression,
  compileTemplate,
  namedReads,
  shapeFromJsonSchema,
  UNKNOWN_SHAPE,
  unionOf,
  MISSING,
  type CompiledExpression,
  type CompiledTemplate,
  type Shape,
} from '../transform/index.js';
import type { GrpcUpstream } from '../upstreams/grpc/grpc-upstream.js';
import type { HttpUpstream } from '../upstreams/types.js';
import { compileGrpcStep } from './compile-grpc-step.js';
import { compileHttpStep } from './compile-http-step.js';
import { compileSoapStep } from './compile-soap-step.js';
import { compileXmlStep } from './compile-xml-step.js';
import { planSteps, StepPlanError, type StepPlan } from './executor.js';
import { resolveGrpcMethod, type GrpcMethodRef } from './grpc-method.js';
import { outputShape } from './grpc-shapes.js';
import type { LoadedMapping } from './load-mapping.js';
import { createMappingCompiler } from './mapping-compiler.js';
import type { MappingStep } from './mapping-schema.js';
import { NO_SOAP, relaxRequired, resolveSoapTarget, type MappingSoapContext, type SoapTarget } from './soap-step-target.js';
import type { CompiledStep } from './step-types.js';

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

/** What gRPC steps are resolved against. */
export interface MappingGrpcContext {
  readonly upstreams: ReadonlyMap<string, GrpcUpstream>;
  /** The loaded `protos.files` of gateway.yaml; undefined when none are configured or they failed to load. */
  readonly root: protobuf.Root | undefined;
  /** True when `protos.files` is set: without a root, its load problems are already reported. */
  readonly protosConfigured: boolean;
}

const NO_GRPC: MappingGrpcContext = { upstreams: new Map(), root: undefined, protosConfigured: false };

/** A step's upstream and target, resolved before any template is compiled (templates need every step's shape). */
type Target =
  | { readonly kind: 'http' | 'xml'; readonly upstream: HttpUpstream; readonly shape: Shape }
  | { readonly kind: 'grpc'; readonly upstream: GrpcUpstream; readonly method: GrpcMethodRef; readonly shape: Shape }
  | SoapTarget
  | { readonly kind: 'unresolved'; readonly shape: Shape };

/**
 * Compiles a loaded mapping against the route it binds: every expression is type-checked against the route's
 * OpenAPI request (body, path, query, headers), the declared shapes of the steps it reads (an HTTP or XML step's
 * `response.schema`, a gRPC step's output message, a SOAP step's output element), and the target it writes (a
 * step's `bodySchema`, gRPC input message or SOAP input element, the route's response schema). Dependencies between
 * steps are read from the expressions; a cycle or an unknown step is a config error. All problems go to `issues`.
 */
export function compileMapping(
  loaded: LoadedMapping,
  operation: OperationSpec,
  upstreams: ReadonlyMap<string, HttpUpstream>,
  defaultTimeoutMs: (upstream: string) => number,
  env: Readonly<Record<string, string>>,
  validateResponses: boolean,
  issues: ConfigIssue[],
  grpc: MappingGrpcContext = NO_GRPC,
  soap: MappingSoapContext = NO_SOAP,
): CompiledMapping | undefined {
  const { spec, file, source } = loaded;
  const before = issues.length;
  const stepNames = Object.keys(spec.steps);
  const stepLabels: Record<string, string> = {};
  const targets = new Map<string, Target>();
  // Targets first: every template may read any earlier step, and messages name a gRPC step's output message.
  const report = (keys: readonly PropertyKey[], message: string): void => {
    issues.push({ file, line: source.lineOf(keys), pointer: toPointer(keys), message });
  };
  for (const name of stepNames) {
    const target = resolveTarget(name, spec.steps[name] as MappingStep, upstreams, grpc, soap, report);
    targets.set(name, target);
    if (target.kind === 'grpc') stepLabels[name] = `the response of step ${name} (${target.method.responseType.fullName.slice(1)})`;
    if (target.kind === 'soap') stepLabels[name] = `the response of step ${name} (${target.operation.wsdl.name} of SOAP service "${target.service.name}")`;
  }
  const compiler = createMappingCompiler(loaded, operation, env, stepLabels, issues);
  const resultShape = (name: string): Shape => {
    const step = spec.steps[name] as MappingStep;
    const shape = (targets.get(name) as Target).shape;
    return step.required ? shape : unionOf(shape, MISSING);
  };

  const steps: CompiledStep[] = [];
  for (const name of stepNames) {
    const step = spec.steps[name] as MappingStep;
    const target = targets.get(name) as Target;
    // Unknown step names stay out of the dependencies: the type checker reports them, with a suggestion.
    const dependsOn = referencedSteps(step).filter((dependency) => Object.hasOwn(spec.steps, dependency));
    const visible: Record<string, Shape> = {};
    for (const dependency of dependsOn) visible[dependency] = resultShape(dependency);
    const upstreamName = target.kind === 'soap' ? target.service.upstream.name : (step.upstream ?? '');
    const timeoutMs = step.timeoutMs ?? (target.kind === 'soap' ? target.service.config.timeoutMs : undefined) ?? defaultTimeoutMs(upstreamName);
    let compiled: CompiledStep | undefined;
    if (target.kind === 'http' && step.http !== undefined) {
      compiled = compileHttpStep({ name, step: { ...step, http: step.http }, upstream: target.upstream, dependsOn, timeoutMs, visible }, compiler);
    } else if (target.kind === 'xml' && step.xml !== undefined) {
      const resultShape = step.response?.schema === undefined ? undefined : target.shape;
      compiled = compileXmlStep({ name, step: { ...step, xml: step.xml }, upstream: target.upstream, dependsOn, timeoutMs, visible, resultShape }, compiler);
    } else if (target.kind === 'soap' && step.soap !== undefined) {
      compiled = compileSoapStep({ name, step: { ...step, soap: step.soap }, target, dependsOn, timeoutMs, visible }, compiler);
    } else if (target.kind === 'grpc' && step.grpc !== undefined) {
      compiled = compileGrpcStep(
        { name, step: { ...step, grpc: step.grpc }, upstream: target.upstream, method: target.method, dependsOn, timeoutMs, visible },
        compiler,
      );
    }
    // A step that did not compile still takes its place in the graph, so cycles around it are reported too.
    steps.push(compiled ?? placeholderStep(name, dependsOn, step.required, timeoutMs, upstreamName));
  }

  let plan: StepPlan | undefined;
  try {
    plan = planSteps(steps);
  } catch (error) {
    if (!(error instanceof StepPlanError)) throw error;
    for (const issue of error.issues) compiler.issue(['steps', issue.step], issue.message);
  }

  const allSteps: Record<string, Shape> = {};
  for (const name of stepNames) allSteps[name] = resultShape(name);
  const response = spec.response;
  const schemas = operation.schemas;
  const status =
    typeof response.status === 'number'
      ? response.status
      : compiler.attempt(() => compileExpression((response.status as string).slice(1), compiler.context(['response', 'status'], allSteps)));
  const responseSchema = typeof response.status === 'number' ? responseSchemaFor(operation, response.status) : undefined;
  const target = responseSchema === undefined ? undefined : shapeFromJsonSchema(responseSchema, (ref) => schemas.resolveRef(ref));
  const responseBody = compiler.attempt(() =>
    compileTemplate(
      response.body,
      compiler.context(['response', 'body'], allSteps, `the ${String(response.status)} response schema of ${operation.operationId}`),
      target,
    ),
  );
  const responseHeaders =
    Object.keys(response.headers).length === 0
      ? undefined
      : compiler.attempt(() => compileTemplate(response.headers, compiler.context(['response', 'headers'], allSteps)));

  if (issues.length > before || plan === undefined || status === undefined || responseBody === undefined) return undefined;
  const validateResponse = validateResponses ? compileResponseValidator(schemas, responseSchema) : undefined;
  return Object.freeze({ file, plan, status, headers: responseHeaders, body: responseBody, validateResponse });
}

/**
 * Finds a step's upstream (of the protocol its `http`, `xml` or `grpc` needs) and, for gRPC, its method; for SOAP,
 * its service and operation; reports what is wrong. The shape is what expressions reading `steps.<name>` are
 * checked against.
 */
function resolveTarget(
  name: string,
  step: MappingStep,
  upstreams: ReadonlyMap<string, HttpUpstream>,
  grpc: MappingGrpcContext,
  soap: MappingSoapContext,
  report: (keys: readonly PropertyKey[], message: string) => void,
): Target {
  const at = ['steps', name];
  const unresolved: Target = { kind: 'unresolved', shape: UNKNOWN_SHAPE };
  if (step.soap !== undefined) {
    const target = resolveSoapTarget(step.soap, soap, (key, message) => report([...at, 'soap', key], message));
    if (target === undefined) return unresolved;
    // A fault listed in `statuses` gives its replacement instead of the output: any field of the result may be missing.
    return step.statuses === undefined ? target : { ...target, shape: relaxRequired(target.shape) };
  }
  const upstream = step.upstream ?? '';
  const http = upstreams.get(upstream);
  const grpcUpstream = grpc.upstreams.get(upstream);
  const names = (map: ReadonlyMap<string, unknown>): string => [...map.keys()].join(', ') || '(none)';
  if (step.grpc === undefined) {
    if (http !== undefined) {
      const schema = step.response?.schema;
      return { kind: step.xml !== undefined ? 'xml' : 'http', upstream: http, shape: schema === undefined ? UNKNOWN_SHAPE : shapeFromJsonSchema(schema) };
    }
    const message =
      grpcUpstream !== undefined
        ? `upstream "${step.upstream}" is a gRPC upstream; call it with \`grpc: package.Service/Method\`, or use one of the HTTP upstreams: ${names(upstreams)}`
        : `upstream "${step.upstream}" is not defined in gateway.yaml; expected one of: ${[...upstreams.keys(), ...grpc.upstreams.keys()].join(', ')}`;
    report([...at, 'upstream'], message);
    return unresolved;
  }
  if (grpcUpstream === undefined) {
    const message =
      http !== undefined
        ? `upstream "${step.upstream}" is an ${http.protocol} upstream; a grpc step needs one with protocol: grpc: ${names(grpc.upstreams)}`
        : `upstream "${step.upstream}" is not defined in gateway.yaml; a grpc step needs one with protocol: grpc: ${names(grpc.upstreams)}`;
    report([...at, 'upstream'], message);
    return unresolved;
  }
  if (grpc.root === undefined) {
    // With protos.files set but not loaded, the load problems are reported already.
    if (!grpc.protosConfigured) report([...at, 'grpc'], `no .proto files are loaded: list the file declaring ${step.grpc.split('/')[0]} in protos.files of gateway.yaml`);
    return unresolved;
  }
  const method = resolveGrpcMethod(grpc.root, step.grpc);
  if ('problem' in method) {
    report([...at, 'grpc'], method.problem);
    return unresolved;
  }
  return { kind: 'grpc', upstream: grpcUpstream, method, shape: outputShape(method.responseType) };
}

/** Stands for a step that did not compile, in the graph only (the mapping is rejected anyway). */
function placeholderStep(name: string, dependsOn: readonly string[], required: boolean, timeoutMs: number, upstream: string): CompiledStep {
  return {
    protocol: 'grpc',
    name,
    dependsOn,
    required,
    timeoutMs,
    upstream: { name: upstream },
    start: () => Promise.reject(new Error(`step "${name}" did not compile`)),
  };
}

function referencedSteps(step: MappingStep): string[] {
  return namedReads([step.path, step.query, step.headers, step.body, step.message, step.metadata, step.soapHeaders], 'steps');
}

/** The JSON response schema the mapping's status answers with: exact status, then `2XX`-style range, then default. */
function responseSchemaFor(operation: OperationSpec, status: number): unknown {
  const responses = operation.schemas.responses;
  return responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
}
