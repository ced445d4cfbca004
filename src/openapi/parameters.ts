import type { ValidateFunction } from 'ajv';
import type { AjvInstance, Dialect } from './create-ajv.js';
import { pushCompileIssue, type DocumentSet, type Located } from './document-set.js';
import type { LoadIssue } from './types.js';
import { child, isRecord, pointerToFragment } from './json-pointer.js';
import { STYLES, type ParamLocation, type ParamShape, type ParamStyle, type StylePlan } from './param-styles.js';
import { typeInfoOf, type TypeInfo } from './schema-types.js';

/** Everything needed to read, coerce and validate one parameter on the request path; built once at load. */
export interface ParamPlan extends StylePlan {
  readonly in: ParamLocation;
  /** Lookup key: the name, lower-cased for headers (node lower-cases header names). */
  readonly key: string;
  /** Violation location prefix: `/query/limit`, `/path/id`, `/header/x-tenant`. */
  readonly location: string;
  readonly required: boolean;
  readonly info: TypeInfo;
  /** The parameter uses `content` with a JSON media type (§4.8.12.1): its value is parsed as JSON, not by style. */
  readonly json: boolean;
  /** The schema's `default`, used when an optional parameter is absent (undefined = none). */
  readonly defaultValue: unknown;
  readonly validate: ValidateFunction;
}

/** What compileParameters needs to know about the operation. */
export interface ParameterContext {
  readonly set: DocumentSet;
  readonly dialect: Dialect;
  readonly ajv: AjvInstance;
  readonly file: string;
  /** The path item's `parameters` and the operation's `parameters` (either may be undefined). */
  readonly lists: readonly (Located | undefined)[];
  /** Parameter names of the document path template, in order. */
  readonly templateNames: readonly string[];
  readonly operationPointer: string;
}

/** True for `application/json` and any `+json` structured syntax suffix (RFC 6839 §3.1). */
export function isJsonMediaType(mediaType: string): boolean {
  const base = (mediaType.split(';')[0] ?? '').trim().toLowerCase();
  return base === 'application/json' || /^[a-z0-9!#$&^_.-]+\/[a-z0-9!#$&^_.+-]+\+json$/.test(base);
}

// OpenAPI 3.x §4.8.12.1: a header parameter named Accept, Content-Type or Authorization "SHALL be ignored"
// (they are described by the media types and security schemes instead).
const IGNORED_HEADERS = new Set(['accept', 'content-type', 'authorization']);
const LOCATION_ORDER: Readonly<Record<ParamLocation, number>> = { path: 0, query: 1, header: 2 };

/**
 * Merges path-item and operation parameters (the operation's win by name + location, §4.8.10.1), resolves `$ref`s,
 * checks each Parameter Object and compiles its schema. Returns the plans in a stable order (path in template order,
 * then query, then header, each in declaration order); problems go to `issues`.
 */
export function compileParameters(ctx: ParameterContext, issues: LoadIssue[]): ParamPlan[] {
  const { file } = ctx;
  const merged = new Map<string, { param: Record<string, unknown>; at: Located }>();
  for (const list of ctx.lists) {
    if (list === undefined || list.value === undefined) continue;
    if (!Array.isArray(list.value)) {
      issues.push({ file, pointer: list.pointer, message: 'expected an array of Parameter Objects' });
      continue;
    }
    const seenHere = new Set<string>();
    list.value.forEach((item: unknown, index) => {
      const found = ctx.set.deref({ value: item, url: list.url, pointer: child(list.pointer, index) });
      if ('error' in found) return; // the $ref walk already reported it
      const param = found.value;
      const at = child(list.pointer, index);
      if (!isRecord(param) || typeof param['name'] !== 'string') {
        issues.push({ file, pointer: child(at, 'name'), message: 'expected a Parameter Object with a name string' });
        return;
      }
      const where = param['in'];
      if (where !== 'path' && where !== 'query' && where !== 'header' && where !== 'cookie') {
        issues.push({ file, pointer: child(at, 'in'), message: 'expected one of "path", "query", "header", "cookie"' });
        return;
      }
      const key = `${where}:${where === 'header' ? param['name'].toLowerCase() : param['name']}`;
      if (seenHere.has(key)) {
        issues.push({ file, pointer: at, message: `duplicate parameter "${param['name']}" in ${where}: name + in must be unique` });
        return;
      }
      seenHere.add(key);
      merged.set(key, { param, at: found });
    });
  }

  const plans: ParamPlan[] = [];
  const declaredPath = new Set<string>();
  for (const { param, at } of merged.values()) {
    const plan = compileOne(ctx, param, at, issues);
    if (param['in'] === 'path') declaredPath.add(String(param['name']));
    if (plan !== undefined) plans.push(plan);
  }
  for (const name of ctx.templateNames) {
    if (!declaredPath.has(name)) {
      issues.push({
        file,
        pointer: child(ctx.operationPointer, 'parameters'),
        message: `the path template has {${name}}: expected a parameter "${name}" with in: path`,
      });
    }
  }
  const templateIndex = (plan: ParamPlan): number => (plan.in === 'path' ? ctx.templateNames.indexOf(plan.name) : 0);
  return plans
    .map((plan, index) => ({ plan, index }))
    .sort((a, b) => LOCATION_ORDER[a.plan.in] - LOCATION_ORDER[b.plan.in] || templateIndex(a.plan) - templateIndex(b.plan) || a.index - b.index)
    .map(({ plan }) => plan);
}

function compileOne(ctx: ParameterContext, param: Record<string, unknown>, at: Located, issues: LoadIssue[]): ParamPlan | undefined {
  const { file } = ctx;
  const name = String(param['name']);
  const where = param['in'];
  // Cookie parameters are accepted but not validated: the gateway does not parse cookies on the request path, and
  // an upstream that needs one receives the Cookie header as sent.
  if (where === 'cookie') return undefined;
  if (where !== 'path' && where !== 'query' && where !== 'header') return undefined;
  if (where === 'header' && IGNORED_HEADERS.has(name.toLowerCase())) return undefined;
  const errorsBefore = issues.length;
  const pointer = at.pointer;

  if (where === 'path') {
    if (param['required'] !== true) {
      issues.push({ file, pointer: child(pointer, 'required'), message: 'path parameters must have required: true (OpenAPI §4.8.12.1)' });
    }
    if (!ctx.templateNames.includes(name)) {
      issues.push({ file, pointer: child(pointer, 'name'), message: `path parameter "${name}" does not appear in the path template` });
    }
  }

  let schemaAt: Located | undefined;
  let json = false;
  if (param['schema'] !== undefined) {
    schemaAt = { value: param['schema'], url: at.url, pointer: child(pointer, 'schema') };
  } else if (isRecord(param['content'])) {
    const entries = Object.entries(param['content']);
    const [mediaType, media] = entries[0] ?? [];
    if (entries.length !== 1 || mediaType === undefined || !isRecord(media) || media['schema'] === undefined) {
      issues.push({ file, pointer: child(pointer, 'content'), message: 'expected exactly one media type with a schema' });
    } else {
      json = isJsonMediaType(mediaType);
      schemaAt = { value: media['schema'], url: at.url, pointer: child(pointer, 'content', mediaType, 'schema') };
    }
  } else {
    issues.push({ file, pointer, message: 'expected a schema or a content map' });
  }

  const defaultStyle: ParamStyle = where === 'query' ? 'form' : 'simple';
  const style = param['style'] ?? defaultStyle;
  if (typeof style !== 'string' || !(STYLES[where] as readonly string[]).includes(style)) {
    issues.push({ file, pointer: child(pointer, 'style'), message: `expected one of ${STYLES[where].join(', ')} for a ${where} parameter` });
  }
  const explode = typeof param['explode'] === 'boolean' ? param['explode'] : style === 'form';
  if (schemaAt === undefined || issues.length > errorsBefore) return undefined;

  const info = typeInfoOf(schemaAt, ctx.set, ctx.dialect);
  const shape: ParamShape = json ? 'primitive' : info.types.has('array') ? 'array' : info.types.has('object') ? 'object' : 'primitive';
  const resolved = ctx.set.deref(schemaAt);
  const defaultValue = 'value' in resolved && isRecord(resolved.value) ? resolved.value['default'] : undefined;

  let validate: ValidateFunction;
  try {
    validate = ctx.ajv.compile({ $ref: schemaAt.url + pointerToFragment(schemaAt.pointer) });
  } catch (error) {
    pushCompileIssue(error, ctx.set, file, schemaAt.pointer, issues);
    return undefined;
  }
  return {
    name,
    in: where,
    key: where === 'header' ? name.toLowerCase() : name,
    location: child(`/${where}`, where === 'header' ? name.toLowerCase() : name),
    required: param['required'] === true,
    style: style as ParamStyle,
    explode,
    shape,
    propertyNames: info.properties === undefined ? [] : [...info.properties.keys()],
    info,
    json,
    defaultValue,
    validate,
  };
}
