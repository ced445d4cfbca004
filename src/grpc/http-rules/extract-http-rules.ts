import protobuf from 'protobufjs';
import { PathTemplateError, parsePathTemplate, type PathTemplate } from './path-template.js';
import { isRecord } from '../../openapi/json-pointer.js';
import { lookupMessage, trimDot } from './proto-fields.js';
import { validateBody, validatePathVariable, validateResponseBody } from './validate-binding.js';

/** One HTTP route of a gRPC method: the primary `(google.api.http)` rule or one of its `additional_bindings`. */
export interface HttpBinding {
  /** Fully qualified service name, e.g. `library.v1.LibraryService`. */
  readonly service: string;
  /** gRPC method path without the leading slash, e.g. `library.v1.LibraryService/GetShelf`. */
  readonly method: string;
  /** 0 for the primary rule, n for `additional_bindings[n - 1]`. */
  readonly bindingIndex: number;
  /** GET, PUT, POST, DELETE, PATCH, or a `custom` kind as written (`HEAD`, `*`, …). */
  readonly httpMethod: string;
  readonly pathTemplate: string;
  readonly template: PathTemplate;
  /** undefined: no request body; `*`: every field not bound by the path; else a top-level field name. */
  readonly body: string | undefined;
  /** undefined: the whole response message; else a top-level field of the response. */
  readonly responseBody: string | undefined;
  readonly requestType: string;
  readonly responseType: string;
}

/** A rule that was rejected or is suspicious; the binding is left out of the result when it is unusable. */
export interface HttpRuleIssue {
  readonly method: string;
  readonly bindingIndex: number;
  /** The proto file declaring the method, as protobufjs recorded it. */
  readonly file: string | undefined;
  readonly message: string;
}

/** What {@link extractHttpRules} returns. */
export interface ExtractedHttpRules {
  readonly bindings: HttpBinding[];
  readonly issues: HttpRuleIssue[];
}

const PATTERN_KINDS = ['get', 'put', 'post', 'delete', 'patch', 'custom'] as const;
const HTTP_OPTION = '(google.api.http)';

/**
 * Lists every `(google.api.http)` binding of every service method under `root`, validated
 * against the request and response messages as http.proto requires. Methods without the
 * option are skipped (they are reachable through mapping files only).
 */
export function extractHttpRules(root: protobuf.Root): ExtractedHttpRules {
  const bindings: HttpBinding[] = [];
  const issues: HttpRuleIssue[] = [];
  for (const service of servicesOf(root)) {
    for (const method of service.methodsArray) {
      const rule = httpRuleOf(method);
      if (rule === undefined) continue;
      const methodName = `${trimDot(service.fullName)}/${method.name}`;
      const report = (bindingIndex: number, message: string): void => {
        issues.push({ method: methodName, bindingIndex, file: method.filename ?? undefined, message });
      };
      const requestType = lookupMessage(service, method.requestType);
      const responseType = lookupMessage(service, method.responseType);
      if (requestType === undefined || responseType === undefined) {
        report(0, `cannot resolve ${requestType === undefined ? `request type "${method.requestType}"` : `response type "${method.responseType}"`}`);
        continue;
      }
      const additional = rule['additional_bindings'];
      const rules = [rule, ...(additional === undefined ? [] : Array.isArray(additional) ? additional : [additional])];
      rules.forEach((entry, bindingIndex) => {
        if (!isRecord(entry)) return report(bindingIndex, 'binding is not a message');
        // http.proto: "Nested bindings must not contain an `additional_bindings` field themselves
        // (that is, the nesting may only be one level deep)."
        if (bindingIndex > 0 && entry['additional_bindings'] !== undefined) {
          report(bindingIndex, 'additional_bindings must not contain additional_bindings (the nesting may only be one level deep)');
        }
        const binding = toBinding(entry, bindingIndex, requestType, responseType, (message) => report(bindingIndex, message));
        if (binding !== undefined) bindings.push({ service: trimDot(service.fullName), method: methodName, ...binding });
      });
    }
  }
  return { bindings, issues };
}

/** The field paths a binding takes from the path and body: what query parameters must not set. */
export function boundFieldPaths(binding: HttpBinding): Set<string> {
  const bound = new Set(binding.template.variables.map((v) => v.fieldPath));
  if (binding.body !== undefined) bound.add(binding.body);
  return bound;
}

type BindingCore = Omit<HttpBinding, 'service' | 'method'>;

function toBinding(rule: Record<string, unknown>, bindingIndex: number, request: protobuf.Type, response: protobuf.Type, report: (message: string) => void): BindingCore | undefined {
  // The pattern is a oneof in HttpRule; protobufjs does not enforce that on option aggregates.
  const kinds = PATTERN_KINDS.filter((kind) => rule[kind] !== undefined);
  if (kinds.length === 0) return void report('no HTTP pattern: set one of get, put, post, delete, patch or custom');
  if (kinds.length > 1) return void report(`more than one HTTP pattern: ${kinds.join(', ')}`);
  const kind = kinds[0] ?? 'get';
  let httpMethod: string;
  let pathTemplate: unknown;
  if (kind === 'custom') {
    const custom = rule['custom'];
    if (!isRecord(custom) || typeof custom['kind'] !== 'string' || custom['kind'] === '') return void report('custom pattern needs a kind');
    httpMethod = custom['kind'];
    pathTemplate = custom['path'];
  } else {
    httpMethod = kind.toUpperCase();
    pathTemplate = rule[kind];
  }
  if (typeof pathTemplate !== 'string') return void report(`${kind} needs a path template`);
  let template: PathTemplate;
  try {
    template = parsePathTemplate(pathTemplate);
  } catch (error) {
    if (error instanceof PathTemplateError) return void report(error.message);
    throw error;
  }
  const body = optionalString(rule['body']);
  const responseBody = optionalString(rule['response_body']);
  const problems = [
    ...template.variables.map((v) => validatePathVariable(request, v.fieldNames)),
    body === undefined ? undefined : validateBody(request, body),
    responseBody === undefined ? undefined : validateResponseBody(response, responseBody),
  ].filter((p): p is string => p !== undefined);
  problems.forEach(report);
  if (problems.length > 0) return undefined;
  return {
    bindingIndex,
    httpMethod,
    pathTemplate,
    template,
    body,
    responseBody,
    requestType: trimDot(request.fullName),
    responseType: trimDot(response.fullName),
  };
}

/** proto3 string fields are "unset" when empty, so `body: ""` means no body, like protoc. */
function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The `(google.api.http)` rule of a method. protobufjs keeps the full aggregate in
 * `parsedOptions`; the flattened `options` form (`"(google.api.http).get"`) is the fallback for
 * roots built from JSON, though it keeps only the last of several `additional_bindings`.
 */
function httpRuleOf(method: protobuf.Method): Record<string, unknown> | undefined {
  const parsed: unknown = method.parsedOptions;
  if (Array.isArray(parsed)) {
    for (const entry of parsed as unknown[]) {
      if (isRecord(entry) && isRecord(entry[HTTP_OPTION])) return entry[HTTP_OPTION];
    }
  }
  const flat = method.options;
  if (flat === undefined) return undefined;
  let rule: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(flat)) {
    if (!key.startsWith(`${HTTP_OPTION}.`)) continue;
    rule ??= {};
    const names = key.slice(HTTP_OPTION.length + 1).split('.');
    let target: Record<string, unknown> = rule;
    for (const name of names.slice(0, -1)) {
      const next = target[name];
      target = isRecord(next) ? next : (target[name] = {});
    }
    target[names.at(-1) ?? ''] = value;
  }
  return rule;
}

function servicesOf(namespace: protobuf.NamespaceBase): protobuf.Service[] {
  const found: protobuf.Service[] = [];
  for (const nested of namespace.nestedArray) {
    if (nested instanceof protobuf.Service) found.push(nested);
    if (nested instanceof protobuf.Namespace) found.push(...servicesOf(nested));
  }
  return found;
}
