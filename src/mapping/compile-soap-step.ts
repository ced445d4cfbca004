import { GatewayError, type Violation } from '../errors/gateway-error.js';
import { didYouMean } from '../errors/did-you-mean.js';
import { matchFault, type SoapFault, type SoapHttpRequest } from '../soap/codec/index.js';
import type { CompiledTemplate, Scope } from '../transform/index.js';
import type { UpstreamReply } from '../upstreams/types.js';
import { expressionScope, type MappingCompiler } from './mapping-compiler.js';
import type { MappingStep } from './mapping-schema.js';
import { unknownHeaderParts, type SoapTarget } from './soap-step-target.js';
import { callStepUpstream, compileStatuses, createStepCompilation, headerValues, mappingFault, replacementResult, stepBase, type StepCompilation, type StepInput } from './step-common.js';
import type { CompiledSelfRunningStep, StepCallContext, StepResult, StepScope } from './step-types.js';
import { pointerTokens } from './template-site.js';

/** What {@link compileSoapStep} needs besides the step's own declaration. */
export interface SoapStepInput extends StepInput<MappingStep & { readonly soap: NonNullable<MappingStep['soap']> }> {
  readonly target: SoapTarget;
}

/** Fault codes a `statuses` key may name, per SOAP version (1.1 §4.4.1, 1.2 Part 1 §5.4.6). */
const CODES = { '1.1': ['Client', 'Server', 'VersionMismatch', 'MustUnderstand'], '1.2': ['Sender', 'Receiver', 'VersionMismatch', 'MustUnderstand', 'DataEncodingUnknown'] } as const;
/** HTTP headers the codec sets from the WSDL binding: a step may not override them. */
const RESERVED_HEADERS = new Set(['content-type', 'soapaction', 'content-length', 'host', 'connection', 'transfer-encoding']);

/**
 * Compiles a step that calls a SOAP operation of a `soap.services` entry. `message` (a template) is the operation's
 * input in the codec's JSON convention, checked against the input element's XSD; the result is the output in the
 * same convention, which reads of `steps.<name>` are checked against. `soapHeaders` gives the input's soap:header
 * parts (by part name, each checked against its element); `headers` adds HTTP request headers. At run
 * time: the codec writes the envelope (with the service's WS-Security and static SOAP headers), it is POSTed to the
 * service's upstream and path within the step's timeout, and the answer is classified: success → the result; a
 * Fault → the service's fault table decides the status and the step fails naming itself, unless `statuses` lists
 * the fault (by wsdl:fault name, detail element, subcode or code), whose replacement body is then the result.
 */
export function compileSoapStep(input: SoapStepInput, compiler: MappingCompiler): CompiledSelfRunningStep | undefined {
  const { name, step, target } = input;
  const { service, operation } = target;
  const c = createStepCompilation(input, compiler);
  const stepLabel = `step "${name}" (${operation.wsdl.name} of SOAP service "${service.name}")`;
  const inputLabel = `the input of ${stepLabel}`;
  const headersLabel = `the soap:header parts of ${stepLabel}`;
  const message = step.message === undefined ? undefined : c.template(['message'], step.message, inputLabel, target.input);
  const soapHeaders = compileSoapHeaders(c, step.soapHeaders, target, headersLabel);
  for (const key of Object.keys(step.headers ?? {})) {
    if (RESERVED_HEADERS.has(key.toLowerCase())) {
      c.issue(['headers', key], `header "${key}" is set by the gateway from the WSDL binding (SOAP ${service.port.soapVersion}) and cannot be set here`);
    }
  }
  const headers = step.headers === undefined ? undefined : c.template(['headers'], step.headers);

  // Faults that count as success, each with the result to use: checked against the output, every field optional
  // (with `statuses` listed, resolveTarget has already relaxed `target.shape` for the steps that read this one).
  const version = service.port.soapVersion;
  const faultNames = new Map(operation.wsdl.faults.map((fault) => [fault.name, fault.element?.name.local]));
  const elements = new Set([...faultNames.values()].filter((element): element is string => element !== undefined));
  const known = [...faultNames.keys(), ...elements, ...CODES[version]];
  const faultKey = (key: string): string | undefined => {
    const dotted = /^([A-Za-z]+)\.[^.]+(?:\.[^.]+)*$/.exec(key);
    if (known.includes(key) || (version === '1.1' && dotted !== null && (CODES['1.1'] as readonly string[]).includes(dotted[1] as string))) return key;
    const guess = /^\d+$/.test(key) ? undefined : didYouMean(key, known);
    const hint =
      guess !== undefined
        ? `did you mean "${guess}"?`
        : `a soap step lists wsdl:fault names or detail elements of ${operation.wsdl.name} (${[...faultNames.keys(), ...elements].join(', ') || 'none declared'}) or SOAP ${version} fault codes (${CODES[version].join(', ')})`;
    c.issue(['statuses', key], `"${key}" is not a fault operation ${operation.wsdl.name} can answer; ${hint}`);
    return undefined;
  };
  const accepted = compileStatuses(c, step.statuses, faultKey, (key) => ({
    label: `the result of step "${name}" (${operation.wsdl.name}) when it answers ${key}`,
    shape: target.shape,
  }));
  // A wsdl:fault name also stands for its detail element: a SOAP 1.1 fault carries only the element.
  for (const [faultName, element] of faultNames) {
    const replacement = accepted.get(faultName);
    if (replacement !== undefined && element !== undefined && !accepted.has(element)) accepted.set(element, replacement);
  }
  if (c.failed) return undefined;

  const label = `step "${name}" (SOAP service "${service.name}", ${operation.wsdl.name})`;
  /**
   * The codec refused the built input (a facet, a missing required field): a fault of the mapping, at the line of
   * `message` or, for a header part, of `soapHeaders`.
   */
  const messageFault = (error: GatewayError): GatewayError => {
    const all = error.violations ?? [];
    const inHeaders = all[0]?.location.startsWith(HEADERS_POINTER) === true;
    const prefix = inHeaders ? /^\/soapHeaders(?=\/|$)/ : /^\/body(?=\/|$)/;
    const violations = all.map((violation): Violation => ({ location: violation.location.replace(prefix, ''), message: violation.message }));
    const first = violations[0];
    const where = first === undefined ? '' : ` at ${first.location === '' ? '/' : first.location}: ${first.message}`;
    const more = violations.length > 1 ? ` (and ${violations.length - 1} more)` : '';
    const [template, key, label] = inHeaders ? [step.soapHeaders, 'soapHeaders', headersLabel] : [step.message, 'message', inputLabel];
    return mappingFault(compiler, template, [...c.at, key], pointerTokens(first?.location ?? ''), `does not fit ${label}${where}${more}.`, { violations, cause: error });
  };
  const { upstream, path } = service;
  const maxResponseBytes = service.config.limits.maxResponseBytes;

  const compiled: CompiledSelfRunningStep = {
    protocol: 'soap',
    ...stepBase(input),
    upstream,
    start(stepScope: StepScope, call: StepCallContext): Promise<StepResult> {
      const scope = expressionScope(stepScope);
      let request: SoapHttpRequest;
      try {
        const body = message?.evaluate(scope) ?? {};
        request = operation.compiled.writeRequest(soapHeaders === undefined ? { body } : { body, headers: soapHeaders.evaluate(scope) as Record<string, unknown> });
      } catch (error) {
        throw GatewayError.is(error) && error.code === 'soap-request-invalid' ? messageFault(error) : error;
      }
      const outHeaders = headerValues(headers?.evaluate(scope));
      Object.assign(outHeaders, request.headers);
      const exchange = { method: 'POST', path, headers: outHeaders, body: Buffer.from(request.body, 'utf8'), maxResponseBytes };
      return callStepUpstream(compiled, upstream, exchange, call).then((reply) => settle(reply, scope));
    },
  };

  function settle(reply: UpstreamReply, scope: Scope): StepResult {
    const contentType = reply.headers['content-type'];
    const outcome = operation.compiled.readResponse({ status: reply.status, contentType: Array.isArray(contentType) ? contentType[0] : contentType, body: reply.body });
    if (outcome.kind === 'success') return { status: 200, headers: reply.headers, body: outcome.body };
    if (outcome.kind === 'bad') {
      throw new GatewayError(outcome.error.code, `${label}: ${lowerFirst(outcome.error.detail)}`, { status: outcome.error.status, ...extensionsOf(outcome.error), cause: outcome.error });
    }
    const replacement = acceptedFor(outcome.fault, accepted);
    if (replacement !== undefined) return replacementResult(compiled, replacement, outcome.error.status, reply.headers, scope);
    const { fault } = outcome;
    const code = [fault.code, ...fault.subcodes].join(fault.version === '1.1' ? '.' : '/');
    throw new GatewayError('soap-fault', `${label} answered with a fault (${code})${fault.reason === '' ? '' : `: ${truncate(fault.reason)}`}`, {
      status: outcome.error.status,
      ...extensionsOf(outcome.error),
      cause: outcome.error,
    });
  }
  return Object.freeze(compiled);
}

/** Where the codec reports violations in header parts (its default `headersPointer`). */
const HEADERS_POINTER = '/soapHeaders';

/**
 * `soapHeaders`: one template for the object of header parts, so each part is checked against its element like
 * `message` is against the input, and a name the operation does not bind to soap:header is refused by name.
 */
function compileSoapHeaders(c: StepCompilation, declared: MappingStep['soapHeaders'], target: SoapTarget, label: string): CompiledTemplate | undefined {
  if (declared === undefined) return undefined;
  const unknown = unknownHeaderParts(target.operation.wsdl, Object.keys(declared));
  for (const [name, message] of unknown) c.issue(['soapHeaders', name], message);
  return unknown.length === 0 ? c.template(['soapHeaders'], declared, label, target.headers) : undefined;
}

/** The listed fault that matches, most specific first, as the fault table does: detail element, subcode, code. */
function acceptedFor(fault: SoapFault, accepted: ReadonlyMap<string, CompiledTemplate>): CompiledTemplate | undefined {
  return accepted.size === 0 ? undefined : matchFault(fault, (key) => accepted.get(key));
}

function extensionsOf(error: GatewayError): { extensions?: Record<string, unknown> } {
  return error.extensions === undefined ? {} : { extensions: { ...error.extensions } };
}

function lowerFirst(text: string): string {
  return text.length === 0 ? text : text[0]?.toLowerCase() + text.slice(1);
}

function truncate(reason: string): string {
  return reason.length > 200 ? `${reason.slice(0, 200)}…` : reason;
}
