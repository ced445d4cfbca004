import { GatewayError } from '../errors/gateway-error.js';
import { compileTemplate, shapeFromJsonSchema, type CompiledTemplate, type Shape } from '../transform/index.js';
import type { HttpUpstream, UpstreamReply } from '../upstreams/types.js';
import { resolveXmlLimits } from '../xml/index.js';
import { createCallBuilder } from './compile-http-step.js';
import { expressionScope, type MappingCompiler } from './mapping-compiler.js';
import type { MappingStep } from './mapping-schema.js';
import { stepBuildError, stepCallError, stepStatusError } from './step-errors.js';
import { DEFAULT_STEP_MAX_RESPONSE_BYTES, type CompiledSelfRunningStep, type StepCallContext, type StepResult, type StepScope } from './step-types.js';
import { locateTemplateNode, pointerTokens } from './template-site.js';
import { compileXmlReadPlan } from './xml-reader.js';
import { readXmlReply } from './xml-reply.js';
import { checkXmlTemplate, writeXmlDocument, XmlWriteError } from './xml-writer.js';

/** What {@link compileXmlStep} needs besides the step's own declaration. */
export interface XmlStepInput {
  readonly name: string;
  readonly step: MappingStep & { readonly xml: NonNullable<MappingStep['xml']> };
  readonly upstream: HttpUpstream;
  readonly dependsOn: readonly string[];
  readonly timeoutMs: number;
  /** The declared result shape (from `response.schema`), or undefined. */
  readonly resultShape: Shape | undefined;
  /** Shapes of the steps it reads (optional ones may be missing). */
  readonly visible: Readonly<Record<string, Shape>>;
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
  const { name, step, visible, upstream } = input;
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
  const body = step.body === undefined ? undefined : attempt(() => compileTemplate(step.body, context('body', `the XML body of step "${name}"`), bodyTarget));
  if (step.body !== undefined) {
    checkXmlTemplate(step.body, (keys, message) => {
      failed = true;
      compiler.issue([...at, 'body', ...keys], message);
    });
  }
  for (const match of step.xml.path.matchAll(/\{([^}]+)\}/g)) {
    const placeholder = match[1] as string;
    if (step.path?.[placeholder] === undefined) {
      failed = true;
      compiler.issue([...at, 'path'], `{${placeholder}} in xml.path has no value: add path.${placeholder}`, [...at, 'xml', 'path']);
    }
  }
  const plan = compileXmlReadPlan(input.resultShape, step.response?.arrays ?? [], (index, message) => {
    failed = true;
    compiler.issue([...at, 'response', 'arrays', index], message);
  });
  // Upstream statuses that count as success, each with the result to use instead of the upstream's body.
  const accepted = new Map<number, CompiledTemplate>();
  for (const [status, replacement] of Object.entries(step.statuses ?? {})) {
    if (!/^\d+$/.test(status)) {
      failed = true;
      compiler.issue([...at, 'statuses', status], `"${status}" is not an HTTP status; an xml step lists HTTP statuses, e.g. "404"`);
      continue;
    }
    const compiled = attempt(() => compileTemplate(replacement.body, compiler.context([...at, 'statuses', status, 'body'], visible)));
    if (compiled !== undefined) accepted.set(Number(status), compiled);
  }
  if (failed || pathTemplate === undefined) return undefined;

  const buildCall = createCallBuilder(step.xml, pathTemplate, query, headers, undefined);
  const label = `step "${name}" (upstream "${upstream.name}")`;
  const { file, source } = compiler;
  /** A built body the writer refuses: a mapping fault naming the file, the line and the expression that wrote it. */
  const bodyFault = (error: XmlWriteError): GatewayError => {
    const site = locateTemplateNode(source, step.body, [...at, 'body'], pointerTokens(error.pointer));
    const where = error.pointer === '' ? '' : ` at ${error.pointer}`;
    return new GatewayError('mapping-failed', `mapping ${file} line ${site.line}: \`${site.text}\` does not fit the XML body of step "${name}"${where}: ${error.message}.`, { cause: error });
  };

  const compiled: CompiledSelfRunningStep = {
    protocol: 'xml',
    name,
    dependsOn: input.dependsOn,
    required: step.required,
    timeoutMs: input.timeoutMs,
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
      return upstream
        .call({
          method: request.method,
          path: request.path,
          headers: outHeaders,
          body: payload,
          timeoutMs: call.timeoutMs,
          signal: call.signal,
          maxResponseBytes: XML_LIMITS.maxBytes,
          requestId: call.requestId,
          requestIdHeader: call.requestIdHeader,
        })
        .then(
          (reply) => settle(reply, stepScope),
          (error: unknown) => {
            // The executor words timeouts itself; anything else is named after the step here.
            throw GatewayError.is(error) && error.code === 'upstream-timeout' ? error : stepCallError(compiled, error);
          },
        );
    },
  };

  function settle(reply: UpstreamReply, stepScope: StepScope): StepResult {
    const { status } = reply;
    const replacement = accepted.get(status);
    if (replacement !== undefined) {
      try {
        return { status, headers: reply.headers, body: replacement.evaluate(expressionScope(stepScope)) };
      } catch (error) {
        throw stepBuildError(compiled, error);
      }
    }
    if (status < 200 || status > 299) throw stepStatusError(compiled, status);
    if (reply.body.length === 0) return { status, headers: reply.headers, body: undefined };
    const contentType = reply.headers['content-type'];
    const parsed = readXmlReply(status, typeof contentType === 'string' ? contentType : undefined, reply.body, XML_LIMITS, plan, label);
    return { status, headers: reply.headers, body: parsed };
  }
  return Object.freeze(compiled);
}
