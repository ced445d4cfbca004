import protobuf from 'protobufjs';
import { percentDecode } from './percent-decode.js';
import { enumTypeOf, findField, isMapField, messageTypeOf, trimDot } from './proto-fields.js';
import { convertEnum, convertScalar, STRING_WKTS, WRAPPER_SCALARS, type QueryJsonValue } from './scalar-values.js';

export type { QueryJsonValue } from './scalar-values.js';

/** A query parameter that cannot be bound; `fieldPath` is set once the parameter named a field. */
export interface QueryParameterIssue {
  readonly parameter: string;
  readonly fieldPath?: string;
  readonly message: string;
}

/** What {@link bindQueryParameters} returns. */
export interface BoundQueryParameters {
  /** The request fragment, keyed by proto field names, values in proto3 JSON form. */
  readonly value: { [key: string]: QueryJsonValue };
  readonly issues: QueryParameterIssue[];
}

interface Leaf {
  readonly parameter: string;
  readonly names: readonly string[];
  readonly repeated: boolean;
  readonly values: QueryJsonValue[];
}

/**
 * Binds query parameters to the request fields that the path and body leave free. http.proto:
 * "All other fields are passed via the URL query parameters, and the parameter name is the
 * field path in the request message. A repeated field can be represented as multiple query
 * parameters under the same name." Fields "must have a primitive type or a repeated primitive
 * type or a non-repeated message type" (a message's fields as `foo.a=A&foo.b=B`), and
 * "Repeated message fields must not be mapped to URL query parameters". Maps cannot be named
 * by a field path either.
 *
 * Parameter names are proto field names or their JSON names (grpc-gateway takes both); the
 * result uses proto names. `excluded` holds the field paths bound by the path or the body
 * (see `boundFieldPaths`); `*` in it means the body is `*`, where "there is no URL query
 * parameter". Every parameter that cannot be bound is an issue, never silently dropped.
 */
export function bindQueryParameters(rawQuery: string, messageType: protobuf.Type, excluded: ReadonlySet<string>): BoundQueryParameters {
  const issues: QueryParameterIssue[] = [];
  const leaves = new Map<string, Leaf>();
  const oneofMembers = new Map<string, string>();
  const query = rawQuery.startsWith('?') ? rawQuery.slice(1) : rawQuery;

  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawName = eq === -1 ? pair : pair.slice(0, eq);
    const name = percentDecode(rawName, undefined, true);
    const text = percentDecode(eq === -1 ? '' : pair.slice(eq + 1), undefined, true);
    if (typeof name !== 'string') {
      issues.push({ parameter: rawName, message: `query parameter "${rawName}": ${name.error}` });
      continue;
    }
    const parameter = name;
    const issue = (message: string, fieldPath?: string): void => {
      issues.push(fieldPath === undefined ? { parameter, message } : { parameter, fieldPath, message });
    };
    const resolved = resolveParameter(parameter, messageType, issue);
    if (resolved === undefined) continue;
    const { names, field } = resolved;
    const fieldPath = names.join('.');
    if (isExcluded(fieldPath, excluded)) {
      issue(excluded.has('*') ? `query parameter "${parameter}" is not allowed: the body is "*"` : `query parameter "${parameter}" sets ${fieldPath}, which is bound by the path or the body`, fieldPath);
      continue;
    }
    if (typeof text !== 'string') {
      issue(`invalid value for ${fieldPath}: ${text.error}`, fieldPath);
      continue;
    }
    const converted = convertLeaf(field, text);
    if ('error' in converted) {
      issue(`invalid value for ${fieldPath}: ${converted.error}: ${JSON.stringify(text)}`, fieldPath);
      continue;
    }
    const existing = leaves.get(fieldPath);
    if (existing !== undefined) {
      if (existing.repeated) existing.values.push(converted.value);
      else issue(`query parameter "${parameter}" is given more than once but ${fieldPath} is not repeated`, fieldPath);
      continue;
    }
    const conflict = oneofConflict(resolved.fields, names, fieldPath, oneofMembers);
    if (conflict !== undefined) {
      issue(conflict, fieldPath);
      continue;
    }
    leaves.set(fieldPath, { parameter, names, repeated: field.repeated, values: [converted.value] });
  }
  return { value: assemble(leaves.values()), issues };
}

interface ResolvedParameter {
  readonly names: string[];
  readonly fields: protobuf.Field[];
  readonly field: protobuf.Field;
}

/** Walks a dotted parameter name through the message, reporting why it names no settable field. */
function resolveParameter(parameter: string, root: protobuf.Type, issue: (message: string, fieldPath?: string) => void): ResolvedParameter | undefined {
  const parts = parameter.split('.');
  const names: string[] = [];
  const fields: protobuf.Field[] = [];
  let type = root;
  for (const [index, part] of parts.entries()) {
    const field = findField(type, part, true);
    if (field === undefined) return void issue(`unknown query parameter "${parameter}": no field "${part}" in ${trimDot(type.fullName)}`);
    names.push(field.name);
    fields.push(field);
    const fieldPath = names.join('.');
    if (isMapField(field)) return void issue(`query parameter "${parameter}": ${fieldPath} is a map field, which cannot be set from the query`, fieldPath);
    const message = messageTypeOf(field);
    const messageName = message === undefined ? undefined : trimDot(message.fullName);
    if (message !== undefined && field.repeated) return void issue(`query parameter "${parameter}": ${fieldPath} is a repeated message field, which cannot be set from the query`, fieldPath);
    const last = index === parts.length - 1;
    const isLeafMessage = messageName !== undefined && (messageName in WRAPPER_SCALARS || STRING_WKTS.has(messageName));
    if (last) {
      if (message !== undefined && !isLeafMessage) return void issue(`query parameter "${parameter}": ${fieldPath} is a message; set its fields (${fieldPath}.<field>)`, fieldPath);
      return { names, fields, field };
    }
    if (message === undefined) return void issue(`unknown query parameter "${parameter}": ${fieldPath} is not a message`, fieldPath);
    if (isLeafMessage) return void issue(`query parameter "${parameter}": ${fieldPath} is a ${messageName}, set as one value (${fieldPath}=…)`, fieldPath);
    type = message;
  }
  return undefined;
}

function convertLeaf(field: protobuf.Field, text: string): { value: QueryJsonValue } | { error: string } {
  const enumType = enumTypeOf(field);
  if (enumType !== undefined) return convertEnum(enumType, text);
  const message = messageTypeOf(field);
  if (message === undefined) return convertScalar(field.type, text);
  const name = trimDot(message.fullName);
  const wrapped = WRAPPER_SCALARS[name];
  return wrapped === undefined ? { value: text } : convertScalar(wrapped, text);
}

function isExcluded(fieldPath: string, excluded: ReadonlySet<string>): boolean {
  if (excluded.has('*')) return true;
  for (const bound of excluded) {
    if (fieldPath === bound || fieldPath.startsWith(`${bound}.`) || bound.startsWith(`${fieldPath}.`)) return true;
  }
  return false;
}

/** Two members of one oneof (in the same containing message) must not both be set. */
function oneofConflict(fields: readonly protobuf.Field[], names: readonly string[], fieldPath: string, seen: Map<string, string>): string | undefined {
  for (const [index, field] of fields.entries()) {
    const oneof = field.partOf;
    if (!(oneof instanceof protobuf.OneOf)) continue;
    const key = `${names.slice(0, index).join('.')}#${oneof.name}`;
    const member = names.slice(0, index + 1).join('.');
    const first = seen.get(key);
    if (first === undefined) seen.set(key, member);
    else if (first !== member) return `${fieldPath} and ${first} are members of the same oneof "${oneof.name}"; set only one`;
  }
  return undefined;
}

function assemble(leaves: Iterable<Leaf>): { [key: string]: QueryJsonValue } {
  const result: { [key: string]: QueryJsonValue } = {};
  for (const leaf of leaves) {
    let target = result;
    for (const name of leaf.names.slice(0, -1)) {
      const next = target[name];
      if (typeof next === 'object' && next !== null && !Array.isArray(next)) target = next;
      else target = target[name] = {};
    }
    target[leaf.names.at(-1) ?? ''] = leaf.repeated ? leaf.values : (leaf.values[0] ?? '');
  }
  return result;
}
