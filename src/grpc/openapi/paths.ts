/**
 * The OpenAPI path of a google.api.http rule.
 *
 * OpenAPI has no multi-segment path parameter: a parameter is one segment, and a client percent-encodes any "/" in
 * its value, which the gateway (like Envoy and grpc-gateway by default) does not match across segments. So
 * `{name}` with a `pattern` (protoc-gen-openapiv2's default) would describe a request the gateway never routes,
 * and would lose the literal prefix that tells `/v1/{name=shelves/*}` from `/v1/{name=users/*}`. Instead, as
 * protoc-gen-openapiv2 does with `expand_slashed_path_patterns`, a variable's pattern is written out in the path:
 * its literals as literals, each wildcard as a parameter of its own:
 *
 *     /v1/{name=shelves/*\/books/*}   →  /v1/shelves/{name-1}/books/{name-2}
 *     /v1/{parent=shelves/*}/books    →  /v1/shelves/{parent}/books
 *     /v1/{name=files/**}             →  /v1/files/{name}          (`**`: may contain "/")
 *     /v1/{path=**}                   →  /v1/{path}
 *     /v1/blobs/**:download           →  /v1/blobs/{wildcard-1}:download   (routed, bound to no field)
 *
 * A variable with one wildcard names it after the field; with several, `<field>-<n>` (a hyphen: no proto field
 * path contains one). Each parameter's description says how the field is built from them.
 */
import type { HttpBinding } from '../http-rules/extract-http-rules.js';
import type { PathVariable } from '../http-rules/path-template.js';

/** One path parameter of an {@link OpenApiPath}, in path order. */
export interface PathParam {
  readonly name: string;
  /** The variable it is (part of); undefined for a wildcard outside any variable. */
  readonly variable: PathVariable | undefined;
  /** From a `**`: one or more segments here, "/" included. */
  readonly deep: boolean;
}

/** A binding's path as OpenAPI writes it. */
export interface OpenApiPath {
  /** The Paths Object key, e.g. `/v1/shelves/{name-1}/books/{name-2}`. */
  readonly path: string;
  /**
   * The path with parameter names left out (`/v1/shelves/{}/books/{}`): OpenAPI 3.1 §4.8.8.1 holds paths equal
   * here to be identical ("Templated paths with the same hierarchy but different templated names MUST NOT exist").
   */
  readonly shape: string;
  readonly params: readonly PathParam[];
  /** Parameters from a `**`: the fewer, the more specific (the router prefers `*` over `**`). */
  readonly deepCount: number;
}

/** The OpenAPI path of `binding` (see the module comment). */
export function openApiPathOf(binding: HttpBinding): OpenApiPath {
  const { segments, variables, verb } = binding.template;
  const params: PathParam[] = [];
  const parts: (string | { param: number })[] = [];
  let unbound = 0;
  const addParam = (name: string, variable: PathVariable | undefined, deep: boolean): void => {
    // Only a field named `wildcard` with several parts could take a name twice.
    let unique = name;
    for (let n = 2; params.some((param) => param.name === unique); n++) unique = `${name}-${n}`;
    parts.push({ param: params.length });
    params.push({ name: unique, variable, deep });
  };

  for (let index = 0; index < segments.length; index++) {
    const variable = variables.find((candidate) => candidate.start === index);
    if (variable !== undefined && !variable.multiSegment) {
      addParam(variable.fieldPath, variable, false);
      continue;
    }
    if (variable !== undefined) {
      const inside = segments.slice(variable.start, variable.end);
      const wildcards = inside.filter((segment) => segment.kind !== 'literal').length;
      let nth = 0;
      for (const segment of inside) {
        if (segment.kind === 'literal') parts.push(segment.value);
        else addParam(wildcards === 1 ? variable.fieldPath : `${variable.fieldPath}-${++nth}`, variable, segment.kind === 'any-deep');
      }
      index = variable.end - 1;
      continue;
    }
    const segment = segments[index];
    if (segment === undefined) continue;
    if (segment.kind === 'literal') parts.push(segment.value);
    else addParam(`wildcard-${++unbound}`, undefined, segment.kind === 'any-deep');
  }
  const suffix = verb === undefined ? '' : `:${verb}`;
  const render = (name: (param: PathParam) => string): string =>
    `/${parts.map((part) => (typeof part === 'string' ? part : `{${name(params[part.param] as PathParam)}}`)).join('/')}${suffix}`;
  return {
    path: render((param) => param.name),
    shape: render(() => ''),
    params,
    deepCount: params.filter((param) => param.deep).length,
  };
}

/** `path` with its parameters renamed, in order, to `names` (a path of the same shape, merged into that one). */
export function renameParams(path: OpenApiPath, names: readonly string[]): OpenApiPath {
  const params = path.params.map((param, index) => ({ ...param, name: names[index] ?? param.name }));
  let at = 0;
  return { ...path, params, path: path.shape.replace(/\{\}/g, () => `{${params[at++]?.name ?? ''}}`) };
}

/**
 * What a path parameter means, for its description: how its variable's field is built from the parameters, and
 * what a `**` parameter may hold. Undefined for a plain `{field}` named after its field.
 */
export function describePathParam(param: PathParam, path: OpenApiPath, verb: string | undefined): string | undefined {
  const { variable } = param;
  let text: string;
  if (variable === undefined) {
    text = param.deep ? 'Matched by `**`, bound to no field. ' : 'Any one path segment (`*`), bound to no field.';
  } else if (!variable.multiSegment) {
    // The parameter is the field; it says so only when merging renamed it (generate-openapi.ts).
    return param.name === variable.fieldPath ? undefined : `Sets \`${variable.fieldPath}\`.`;
  } else {
    const own = path.params.filter((other) => other.variable === variable);
    let nth = 0;
    const value = variable.pattern
      .split('/')
      .map((part) => (part === '*' || part === '**' ? `{${own[nth++]?.name ?? ''}}` : part))
      .join('/');
    // `{path=**}` is the whole field: nothing to say but what `**` may hold.
    text = value === `{${variable.fieldPath}}` ? '' : `Sets \`${variable.fieldPath}\` to \`${value}\`. `;
  }
  if (!param.deep) return text.trimEnd();
  // http.proto: "**" matches zero or more segments; a verb after it needs one (see match-path-template.ts).
  const none = verb === undefined ? ` The rule also matches no segment at all: the path without \`/{${param.name}}\`.` : '';
  return `${text}One or more segments: may contain "/", sent as is (an encoded %2F stays inside one segment).${none}`;
}
