/**
 * XML → JSON readers, compiled once per element declaration and per complex type (memoized, cycle-safe), the
 * mirror of type-writer.ts under the convention of content-model.ts.
 *
 * Reading is liberal where the schema allows a choice and strict where a value would otherwise change meaning:
 * - child elements are matched by local name within their parent's type, whatever their prefix or namespace;
 * - elements and attributes the type does not declare are ignored (servers add fields over time), except under
 *   xs:any, where they are converted generically;
 * - required elements are not enforced, and a non-repeating element that appears twice keeps the last one;
 * - an xsi:nil element is null; so is an empty one (no child elements, no declared attributes, no text), string
 *   typed ones included, unless the codec keeps empty strings (`emptyStrings: 'empty-string'`: "" for an empty
 *   string element, so nil, empty and absent stay three different things);
 * - an element with xsi:type naming a type derived from its declared one (found in the model's `types`) is read
 *   with that type, so a derived type's extra fields are kept (the JSON does not name the type);
 * - a value outside its type's lexical space ("abc" for an xs:int) throws SoapDecodeError with its JSON pointer.
 */
import type { ComplexType, ElementDecl, QName, XsdType } from '../model.js';
import { attributeValue, resolveQNameText, type XmlElement } from '../../xml/parse.js';
import { VALUE_FIELD, flattenComplexType } from './content-model.js';
import type { ReadContext } from './errors.js';
import { genericJson } from './generic-xml.js';
import { pushField, type JsonObject, type JsonValue } from './json.js';
import { compileSimpleType, type SimpleCodec } from './simple-type.js';
import { XSI_NAMESPACE, isNil } from './xsi.js';

/** Reads one occurrence of an element. */
export type ElementReader = (element: XmlElement, ctx: ReadContext) => JsonValue;

interface Field {
  readonly key: string;
  readonly array: boolean;
  readonly read: ElementReader;
}

interface ComplexSlot {
  read: ElementReader;
}

export class TypeReaders {
  readonly #elements = new Map<ElementDecl, ElementReader>();
  readonly #complex = new Map<ComplexType, ComplexSlot>();
  /** Named complex types by `{ns}local`, for xsi:type. */
  readonly #named = new Map<string, ComplexType>();
  readonly #keepEmptyStrings: boolean;

  /**
   * @param types the model's named types (WsdlModel.types), which xsi:type may name; none disables xsi:type.
   * @param keepEmptyStrings an empty string-typed element reads as "" instead of null.
   */
  constructor(types: readonly XsdType[] = [], keepEmptyStrings = false) {
    this.#keepEmptyStrings = keepEmptyStrings;
    for (const type of types) if (type.kind === 'complex' && type.name !== undefined) this.#named.set(nameKey(type.name), type);
  }

  element(decl: ElementDecl): ElementReader {
    let reader = this.#elements.get(decl);
    if (reader === undefined) {
      reader = this.#compileElement(decl);
      this.#elements.set(decl, reader);
    }
    return reader;
  }

  #compileElement(decl: ElementDecl): ElementReader {
    if (decl.type.kind === 'complex') {
      const slot = this.#complexSlot(decl.type);
      const derived = this.#derivedSlots(decl.type);
      if (derived.size === 0) return (element, ctx) => slot.read(element, ctx);
      return function readPolymorphic(element, ctx) {
        const xsiType = element.attributes.length === 0 ? undefined : attributeValue(element, XSI_NAMESPACE, 'type');
        if (xsiType !== undefined) {
          const actual = derived.get(nameKey(resolveQNameText(element, xsiType)));
          if (actual !== undefined) return actual.read(element, ctx);
        }
        return slot.read(element, ctx);
      };
    }
    const codec = compileSimpleType(decl.type);
    // XSD: an empty element with a default (or fixed) value has that value.
    const fallback = decl.default ?? decl.fixed;
    const empty = this.#keepEmptyStrings ? codec.emptyValue : null;
    return function readSimpleElement(element) {
      if (isNil(element)) return null;
      const text = element.text;
      if (isEmptyText(text, codec)) return fallback === undefined ? empty : codec.read(fallback);
      return codec.read(text);
    };
  }

  /** Readers of every known type derived from `base` (by extension or restriction, at any distance), by name. */
  #derivedSlots(base: ComplexType): Map<string, ComplexSlot> {
    const derived = new Map<string, ComplexSlot>();
    if (base.name === undefined) return derived;
    const target = nameKey(base.name);
    for (const [key, type] of this.#named) {
      // Walk the base chain; the bound only guards against a malformed model with a cycle.
      let next = type.base;
      for (let steps = 0; next !== undefined && steps < this.#named.size; steps++) {
        if (nameKey(next) === target) {
          derived.set(key, this.#complexSlot(type));
          break;
        }
        next = this.#named.get(nameKey(next))?.base;
      }
    }
    return derived;
  }

  #complexSlot(type: ComplexType): ComplexSlot {
    let slot = this.#complex.get(type);
    if (slot !== undefined) return slot;
    const pending: ComplexSlot = { read: () => null };
    this.#complex.set(type, pending);
    pending.read = this.#compileComplex(type);
    slot = pending;
    return slot;
  }

  #compileComplex(type: ComplexType): ElementReader {
    const shape = flattenComplexType(type);
    const text = type.text === undefined ? undefined : compileSimpleType(type.text);
    if (shape.scalar && text !== undefined) {
      const empty = this.#keepEmptyStrings ? text.emptyValue : null;
      return function readScalarContent(element) {
        if (isNil(element)) return null;
        if (isEmptyText(element.text, text)) return empty;
        return text.read(element.text);
      };
    }
    if (shape.opaque) return (element) => genericJson(element);
    const fields = new Map<string, Field>();
    for (const flat of shape.elements.values()) {
      fields.set(flat.key, { key: flat.key, array: flat.array, read: this.element(flat.decl) });
    }
    const attributes = new Map<string, SimpleCodec>();
    for (const [key, decl] of shape.attributes) attributes.set(key, compileSimpleType(decl.type));
    const hasAny = shape.hasAny;

    return function readComplexContent(element, ctx) {
      if (isNil(element)) return null;
      const out: JsonObject = {};
      let empty = true;
      for (const attribute of element.attributes) {
        if (attribute.ns === XSI_NAMESPACE) continue;
        const codec = attributes.get(attribute.local);
        if (codec === undefined) continue;
        ctx.path.push(attribute.local);
        out[attribute.local] = isEmptyText(attribute.value, codec) ? codec.emptyValue : codec.read(attribute.value);
        ctx.path.pop();
        empty = false;
      }
      if (text !== undefined) {
        if (!isEmptyText(element.text, text)) {
          ctx.path.push(VALUE_FIELD);
          out[VALUE_FIELD] = text.read(element.text);
          ctx.path.pop();
          empty = false;
        } else if (!empty) out[VALUE_FIELD] = text.emptyValue;
      }
      // Field keys come from the schema, where "__proto__" is refused (content-model.ts): plain assignment is safe.
      // Repeated elements arrive in runs (<line/><line/>), so the run's array is kept at hand, not looked up per item.
      let runKey: string | undefined;
      let run: JsonValue[] | undefined;
      for (const child of element.children) {
        const field = fields.get(child.local);
        empty = false;
        if (field === undefined) {
          if (hasAny && !attributes.has(child.local)) pushField(out, child.local, genericJson(child));
          continue;
        }
        const key = field.key;
        ctx.path.push(key);
        if (field.array) {
          if (run === undefined || key !== runKey) {
            const current = Object.hasOwn(out, key) ? out[key] : undefined;
            if (Array.isArray(current)) run = current;
            else out[key] = run = [];
            runKey = key;
          }
          ctx.path.push(run.length);
          run.push(field.read(child, ctx));
          ctx.path.pop();
        } else {
          out[key] = field.read(child, ctx);
        }
        ctx.path.pop();
      }
      return empty ? null : out;
    };
  }
}

function nameKey(name: QName): string {
  return `{${name.ns}}${name.local}`;
}

/** Empty content: no text at all, or only whitespace for a type whose whitespace is not content (not a string). */
function isEmptyText(text: string, codec: SimpleCodec): boolean {
  if (text === '') return true;
  return !codec.preservesWhitespace && text.trim() === '';
}
