import type { GatewayError } from '../errors/gateway-error.js';
import type { Shape } from '../transform/index.js';
import type { HttpUpstream, UpstreamReply } from '../upstreams/types.js';
import { resolveXmlLimits } from '../xml/index.js';
import { checkPathPlaceholders, compileHttpCallTemplates, compileHttpStatuses, createCallBuilder } from './http-call.js';
import { expressionScope, type MappingCompiler } from './mapping-compiler.js';
import type { MappingStep } from './mapping-schema.js';
import { callStepUpstream, createStepCompilation, mappingFault, replacementResult, stepBase, type StepInput } from './step-common.js';
import { stepStatusError } from './step-errors.js';
import { DEFAULT_STEP_MAX_RESPONSE_BYTES, type CompiledSelfRunningStep, type StepCallContext, type StepResult, type StepScope } from './step-types.js';
import { pointerTokens } from './template-site.js';
import { compileXmlReadPlan } from './xml-reader.js';
import { readXmlReply } from './xml-reply.js';
import { checkXmlTemplate, writeXmlDocument, XmlWriteError } from './xml-writer.js';

/** What {@link compileXmlStep} needs besides the step's own declaration. */
export interface XmlStepInput extends StepInput<MappingStep & { readonly xml: NonNullable<MappingStep['xml']> }> {
  readonly upstream: HttpUpstream;
  /** The declared result shape (from `response.schema`), or undefined. */
  readonly resultShape: Shape | undefined;
}

/** An XML answer is read whole: the step's usual body limit, and the hardened parser's depth and element limits. */
const XML_LIMITS = resolveXmlLimits({ maxBytes: DEFAULT_STEP_MAX_RESPONSE_BYTES });
const XML_CONTENT_TYPE = 'application/xml; charset=utf-8';
const XML_ACCEPT = 'application/xml, text/xml';

/**
 * Compiles a plain-XML ("POX") step: an HTTP exchange with an http1/http2 upstream whose request body is XML
 * written from the `body` template (xml-writer.ts) and whose answer is XML read into JSON (xml-reader.ts). Path,
 * query and headers work as in an http step; `statuses` lists extra HTTP statuses that count as success, each with
 * the body to use instead. Problems go to the compiler's issues; undefined then.
 */
export function compileXmlStep(input: XmlStepInput, compiler: MappingCompiler): CompiledSelfRunningStep | undefined {
  const { name, step, upstream } = input;
  const c = createStepCompilation(input, compiler);
  const templates = compileHttpCallTemplates(c, step, `the XML body of step "${name}"`);
  const { body } = templates;
  if (step.body !== undefined) checkXmlTemplate(step.body, (keys, message) => c.issue(['body', ...keys], message));
  checkPathPlaceholders(c, step, 'xml', step.xml.path);
  const plan = compileXmlReadPlan(input.resultShape, step.response?.arrays ?? [], (index, message) => c.issue(['response', 'arrays', index], message));
  const accepted = compileHttpStatuses(c, step.statuses, (status) => `"${status}" is not an HTTP status; an xml step lists HTTP statuses, e.g. "404"`);
  if (c.failed || templates.path === undefined) return undefined;

  const buildCall = createCallBuilder(step.xml, templates.path, templates.query, templates.headers, undefined);
  const label = `step "${name}" (upstream "${upstream.name}")`;
  /** A built body the writer refuses: a mapping fault naming the file, the line and the expression that wrote it. */
  const bodyFault = (error: XmlWriteError): GatewayError => {
    const where = error.pointer === '' ? '' : ` at ${error.pointer}`;
    return mappingFault(compiler, step.body, [...c.at, 'body'], pointerTokens(error.pointer), `does not fit the XML body of step "${name}"${where}: ${error.message}.`, { cause: error });
  };

  const compiled: CompiledSelfRunningStep = {
    protocol: 'xml',
    ...stepBase(input),
    upstream,
    start(stepScope: StepScope, call: StepCallContext): Promise<StepResult> {
      const request = buildCall(stepScope);
      const outHeaders: Record<string, string> = { accept: XML_ACCEPT, ...request.headers };
      let payload: Buffer | undefined;
      if (body !== undefined) {
        try {
          payload = Buffer.from(writeXmlDocument(body.evaluate(expressionScope(stepScope))), 'utf8');
        } catch (error) {
          throw error instanceof XmlWriteError ? bodyFault(error) : error;
        }
        outHeaders['content-type'] ??= XML_CONTENT_TYPE;
      }
      const exchange = { method: request.method, path: request.path, headers: outHeaders, body: payload, maxResponseBytes: XML_LIMITS.maxBytes };
      return callStepUpstream(compiled, upstream, exchange, call).then((reply) => settle(reply, stepScope));
    },
  };

  function settle(reply: UpstreamReply, stepScope: StepScope): StepResult {
    const { status } = reply;
    const replacement = accepted.get(status);
    if (replacement !== undefined) return replacementResult(compiled, replacement, status, reply.headers, expressionScope(stepScope));
    if (status < 200 || status > 299) throw stepStatusError(compiled, status);
    if (reply.body.length === 0) return { status, headers: reply.headers, body: undefined };
    const contentType = reply.headers['content-type'];
    const parsed = readXmlReply(status, typeof contentType === 'string' ? contentType : undefined, reply.body, XML_LIMITS, plan, label);
    return { status, headers: reply.headers, body: parsed };
  }
  return Object.freeze(compiled);
}
