/**
 * XSD types of a WSDL model (src/soap/model.ts) as JSON Schema 2020-12, under the JSON convention of the SOAP codec
 * (src/soap/codec/index.ts), so that what the schema says is what the codec reads and writes:
 * - an element with element content or attributes is an object of fields named by LOCAL name, groups add no level,
 *   simple content beside attributes is `value`; undeclared fields are refused (`additionalProperties: false`),
 *   except on read under xs:any, whose content comes back generically;
 * - an element that may occur more than once (itself or through a group) is an array, even of one item;
 * - required fields are the elements with minOccurs ≥ 1 outside any choice or optional group, and required
 *   attributes; choice alternatives are all optional (the codec picks the one present);
 * - null: on read, for a nillable element and for one whose valid content may be empty (the codec reads an empty
 *   element as null); on write, for a nillable element (xsi:nil) and an optional one (null leaves it out);
 * - simple types: see xsd-simple-schema.ts (integers or digit strings, decimals as strings, enums, patterns).
 *
 * Named complex types become definitions referenced by `$ref` (recursive types are fine); anonymous ones are
 * inlined unless they recur. Use one {@link XsdJsonSchemas} per direction and per set of definitions.
 */
import type { AttributeDecl, ComplexType, ElementDecl, MessagePart, ModelGroup, Particle, SoapMessage, SoapOperation, XsdType } from './model.js';
import { VALUE_FIELD, emptiable, flattenComplexType } from './codec/content-model.js';
import { admitsEmpty, simpleTypeSchema, type JsonSchema, type SchemaDirection } from './xsd-simple-schema.js';

export { simpleTypeSchema, type JsonSchema, type SchemaDirection } from './xsd-simple-schema.js';

export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

export interface XsdJsonSchemaOptions {
  /** 'response' (the default): the JSON the codec reads from XML; 'request': the JSON it accepts to write. */
  readonly direction?: SchemaDirection;
  /** Prefix of every `$ref`; default '#/$defs/' (OpenAPI: '#/components/schemas/'). */
  readonly refPrefix?: string;
  /** Prefix of every definition name, e.g. 'orders.' to keep several services apart. */
  readonly namePrefix?: string;
  /**
   * The model's named types (WsdlModel.types). On read, an element of a complex type may come with xsi:type naming
   * a type derived from it, which the codec reads with the derived type's fields: the schema then admits each of
   * them (anyOf). Writing always uses the declared type.
   */
  readonly types?: readonly XsdType[];
}

interface Context {
  /** Every group around the particle is a sequence or all that must occur (and we are not in a choice). */
  readonly required: boolean;
  /** A group around the particle repeats: its elements are arrays. */
  readonly repeated: boolean;
}

/** Schemas of the types of one WSDL model in one direction, with the definitions they reference. */
export class XsdJsonSchemas {
  readonly direction: SchemaDirection;
  readonly #refPrefix: string;
  readonly #namePrefix: string;
  readonly #definitions = new Map<string, JsonSchema>();
  readonly #names = new Map<ComplexType, string>();
  readonly #active = new Set<ComplexType>();
  /** Named complex types by `{ns}local`, when xsi:type is read. */
  readonly #named = new Map<string, ComplexType>();
  readonly #derived = new Map<ComplexType, readonly ComplexType[]>();

  constructor(options: XsdJsonSchemaOptions = {}) {
    this.direction = options.direction ?? 'response';
    this.#refPrefix = options.refPrefix ?? '#/$defs/';
    this.#namePrefix = options.namePrefix ?? '';
    if (this.direction === 'response') {
      for (const type of options.types ?? []) if (type.kind === 'complex' && type.name !== undefined) this.#named.set(nameKey(type.name), type);
    }
  }

  /** Definitions created so far, by name (without the ref prefix), in creation order. */
  get definitions(): ReadonlyMap<string, JsonSchema> {
    return this.#definitions;
  }

  /** The definition a `$ref` produced by this instance points at, or undefined. */
  resolveRef(ref: string): JsonSchema | undefined {
    return ref.startsWith(this.#refPrefix) ? this.#definitions.get(ref.slice(this.#refPrefix.length)) : undefined;
  }

  /**
   * The schema of one value of a type (not null; a named complex type is a `$ref`, on read an anyOf of it and the
   * types derived from it when `types` were given).
   */
  type(type: XsdType, hint = 'Anonymous'): JsonSchema {
    if (type.kind === 'simple') return simpleTypeSchema(type, this.direction);
    const schema = this.#complex(type, hint);
    const derived = this.#derivedFrom(type);
    return derived.length === 0 ? schema : { anyOf: [schema, ...derived.map((other) => this.#complex(other, hint))] };
  }

  /** Every named type whose chain of bases reaches `base`, as the codec's reader finds them for xsi:type. */
  #derivedFrom(base: ComplexType): readonly ComplexType[] {
    if (base.name === undefined || this.#named.size === 0) return [];
    let derived = this.#derived.get(base);
    if (derived !== undefined) return derived;
    const target = nameKey(base.name);
    const found: ComplexType[] = [];
    for (const type of this.#named.values()) {
      let next = type.base;
      // The bound only guards against a malformed model with a cycle.
      for (let steps = 0; next !== undefined && steps < this.#named.size; steps++) {
        if (nameKey(next) === target) {
          found.push(type);
          break;
        }
        next = this.#named.get(nameKey(next))?.base;
      }
    }
    derived = found;
    this.#derived.set(base, derived);
    return derived;
  }

  /** The schema of one occurrence of an element, null included where the codec reads or accepts one. */
  element(decl: ElementDecl, nullable = this.#nullable(decl)): JsonSchema {
    const schema = this.type(decl.type, decl.name.local);
    return nullable ? orNull(schema) : schema;
  }

  #nullable(decl: ElementDecl): boolean {
    if (decl.nillable) return true;
    if (this.direction === 'request') return decl.minOccurs === 0;
    if (decl.default !== undefined || decl.fixed !== undefined) return false; // empty reads as the default
    return mayBeEmpty(decl.type);
  }

  #complex(type: ComplexType, hint: string): JsonSchema {
    const known = this.#names.get(type);
    if (known !== undefined) return { $ref: this.#refPrefix + known };
    if (this.#active.has(type)) {
      // An anonymous type met again inside itself: it becomes a definition after all, named after its element.
      const name = this.#allocate(type, hint);
      return { $ref: this.#refPrefix + name };
    }
    if (type.name !== undefined) {
      const name = this.#allocate(type, type.name.local);
      this.#definitions.set(name, this.#build(type));
      return { $ref: this.#refPrefix + name };
    }
    this.#active.add(type);
    const schema = this.#build(type);
    this.#active.delete(type);
    const name = this.#names.get(type);
    if (name === undefined) return schema;
    this.#definitions.set(name, schema);
    return { $ref: this.#refPrefix + name };
  }

  #allocate(type: ComplexType, local: string): string {
    let name = this.#namePrefix + local;
    // Two types of one local name (in two namespaces, or an anonymous one): the later gets a number.
    for (let n = 2; this.#definitions.has(name); n++) name = `${this.#namePrefix}${local}_${n}`;
    this.#names.set(type, name);
    this.#definitions.set(name, {}); // reserved; filled when built
    return name;
  }

  #build(type: ComplexType): JsonSchema {
    const shape = flattenComplexType(type);
    if (shape.scalar && type.text !== undefined) return simpleTypeSchema(type.text, this.direction);
    // xs:anyType (nothing declared but a wildcard): read and written generically, as any JSON value.
    if (shape.opaque) return {};
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    if (type.content !== undefined) this.#particle(type.content, { required: true, repeated: false }, properties, required);
    for (const attribute of type.attributes) this.#attribute(attribute, properties, required);
    if (type.text !== undefined) {
      // The text beside attributes; an empty one is null on read, and may be left out on write.
      const text = simpleTypeSchema(type.text, this.direction);
      properties[VALUE_FIELD] = this.direction === 'request' || admitsEmpty(type.text) ? orNull(text) : text;
    }
    const schema: JsonSchema = { type: 'object', properties };
    if (required.length > 0) schema.required = required;
    // xs:any content is read generically (any field); it cannot be written from JSON.
    schema.additionalProperties = this.direction === 'response' && shape.hasAny;
    return schema;
  }

  #particle(particle: Particle, ctx: Context, properties: Record<string, JsonSchema>, required: string[]): void {
    if (particle.kind === 'any') return;
    if (particle.kind === 'element') {
      this.#elementField(particle, ctx, properties, required);
      return;
    }
    const group: ModelGroup = particle;
    // A choice of one alternative is a sequence of it.
    const choice = group.kind === 'choice' && group.particles.length > 1;
    const inner: Context = { required: ctx.required && group.minOccurs > 0 && !choice, repeated: ctx.repeated || group.maxOccurs > 1 };
    for (const child of group.particles) this.#particle(child, inner, properties, required);
  }

  #elementField(decl: ElementDecl, ctx: Context, properties: Record<string, JsonSchema>, required: string[]): void {
    const key = decl.name.local;
    const isRequired = ctx.required && decl.minOccurs > 0;
    if (ctx.repeated || decl.maxOccurs > 1) {
      // Items are null only where xsi:nil is allowed (or, on read, where an item's content may be empty).
      const array: JsonSchema = { type: 'array', items: this.element(decl, decl.nillable || (this.direction === 'response' && this.#nullable(decl))) };
      if (!ctx.repeated) {
        if (decl.minOccurs > 0 && isRequired) array.minItems = decl.minOccurs;
        if (Number.isFinite(decl.maxOccurs)) array.maxItems = decl.maxOccurs;
      }
      // On write, null for an optional list leaves it out; on read a list is always an array.
      properties[key] = this.direction === 'request' && !isRequired ? orNull(array) : array;
    } else {
      properties[key] = this.element(decl);
    }
    if (isRequired) required.push(key);
  }

  #attribute(attribute: AttributeDecl, properties: Record<string, JsonSchema>, required: string[]): void {
    const key = attribute.name.local;
    const schema = simpleTypeSchema(attribute.type, this.direction);
    // On write a null attribute is an absent one; on read an empty value is null.
    const nullable = this.direction === 'request' ? !attribute.required : admitsEmpty(attribute.type);
    properties[key] = nullable ? orNull(schema) : schema;
    // A fixed attribute is written by the codec when absent.
    if (attribute.required && !(this.direction === 'request' && attribute.fixed !== undefined)) required.push(key);
  }
}

function nameKey(name: { readonly ns: string; readonly local: string }): string {
  return `{${name.ns}}${name.local}`;
}

/** Whether an element of this type can be valid and empty: then the codec reads it as null. */
function mayBeEmpty(type: XsdType): boolean {
  if (type.kind === 'simple') return admitsEmpty(type);
  if (type.attributes.some((attribute) => attribute.required)) return false;
  if (type.text !== undefined) return admitsEmpty(type.text);
  return type.content === undefined || emptiable(type.content);
}

/** `schema` or null: a `type` list when that is exact, else an anyOf with a null branch. */
function orNull(schema: JsonSchema): JsonSchema {
  const { type } = schema;
  if (typeof type === 'string' && schema.enum === undefined && schema.const === undefined) return { ...schema, type: [type, 'null'] };
  if (Array.isArray(type) && schema.enum === undefined) return type.includes('null') ? schema : { ...schema, type: [...type, 'null'] };
  return { anyOf: [schema, { type: 'null' }] };
}

/** The request and response bodies of an operation, as the codec lays them out (see codec/operation.ts). */
export interface OperationJsonSchemas {
  /** The JSON body a client sends (request direction). */
  readonly input: JsonSchema;
  /** The JSON body the gateway answers (response direction). */
  readonly output: JsonSchema;
  /** Each declared fault's detail entry, by the local name of its element (response direction). */
  readonly faults: Readonly<Record<string, JsonSchema>>;
  /**
   * The input's soap:header parts as the codec takes them: an object keyed by part name, each optional (a header
   * block is sent only when given a value).
   */
  readonly inputHeaders: JsonSchema;
}

/**
 * The bodies of one operation. `request` must have direction 'request' and `response` 'response'; their
 * definitions grow with every operation described.
 */
export function operationJsonSchemas(operation: SoapOperation, request: XsdJsonSchemas, response: XsdJsonSchemas): OperationJsonSchemas {
  const faults: Record<string, JsonSchema> = {};
  for (const fault of operation.faults) if (fault.element !== undefined) faults[fault.element.name.local] = response.element(fault.element);
  return {
    input: messageSchema(operation.input, operation.style, request),
    output: messageSchema(operation.output, operation.style, response),
    faults,
    inputHeaders: headersSchema(operation.input, request),
  };
}

/**
 * A message body, mirroring the codec's layout rule: document style with one part whose element has element
 * content is that element's content; any other message is an object keyed by part name (rpc parts are
 * unqualified elements of the part's type). Header parts are not part of the body.
 */
function messageSchema(message: SoapMessage, style: SoapOperation['style'], schemas: XsdJsonSchemas): JsonSchema {
  const only = message.parts.length === 1 ? message.parts[0] : undefined;
  const element = only?.element;
  if (style === 'document' && element !== undefined && element.type.kind === 'complex' && !flattenComplexType(element.type).scalar) {
    // Never null: the codec sends `{}` for an absent body and answers `{}` for an empty response element.
    return schemas.type(element.type, element.name.local);
  }
  const properties: Record<string, JsonSchema> = {};
  for (const part of message.parts) properties[part.name] = partSchema(part, style, schemas);
  const schema: JsonSchema = { type: 'object', properties, additionalProperties: false };
  if (message.parts.length > 0) schema.required = message.parts.map((part) => part.name);
  return schema;
}

function headersSchema(message: SoapMessage, schemas: XsdJsonSchemas): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const part of message.headers) properties[part.name] = partSchema(part, 'document', schemas);
  return { type: 'object', properties, additionalProperties: false };
}

function partSchema(part: MessagePart, style: SoapOperation['style'], schemas: XsdJsonSchemas): JsonSchema {
  if ((style === 'document' || part.type === undefined) && part.element !== undefined) return schemas.element(part.element);
  if (part.type === undefined) return {};
  const decl: ElementDecl = { kind: 'element', name: { ns: '', local: part.name }, type: part.type, minOccurs: 1, maxOccurs: 1, nillable: false };
  return schemas.element(decl);
}

/**
 * One self-contained JSON Schema 2020-12 document per body of an operation (`$defs` holding what it references),
 * for checking JSON against an operation without an OpenAPI document around it; `types` as in
 * {@link XsdJsonSchemaOptions}.
 */
export function operationJsonSchemaDocuments(operation: SoapOperation, types?: readonly XsdType[]): { input: JsonSchema; output: JsonSchema } {
  const request = new XsdJsonSchemas({ direction: 'request' });
  const response = new XsdJsonSchemas({ direction: 'response', ...(types === undefined ? {} : { types }) });
  const { input, output } = operationJsonSchemas(operation, request, response);
  const bundle = (root: JsonSchema, schemas: XsdJsonSchemas): JsonSchema => ({
    $schema: JSON_SCHEMA_DIALECT,
    ...root,
    ...(schemas.definitions.size > 0 ? { $defs: Object.fromEntries(schemas.definitions) } : {}),
  });
  return { input: bundle(input, request), output: bundle(output, response) };
}
