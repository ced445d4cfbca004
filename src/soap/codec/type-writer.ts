/**
 * JSON → XML writers, compiled once per element declaration and per complex type and then reused by every
 * operation (memoized; a type that contains itself refers to its own, later-filled slot). A request walks only
 * these closures: elements come out in the schema's order whatever the JSON key order, and every violation is
 * collected with its JSON pointer instead of stopping at the first.
 *
 * Groups in JSON (see content-model.ts): a choice takes the one alternative whose fields are present; a repeated
 * sequence is written by index (a[0] b[0] a[1] b[1] ...), a repeated choice alternative by alternative.
 */
import type { AttributeDecl, ComplexType, ElementDecl, ModelGroup, Particle, QName } from '../model.js';
import { escapeXmlAttribute, escapeXmlText } from '../../xml/escape.js';
import { VALUE_FIELD, emptiable, flattenComplexType, particleKeys, typeLabel, type FlatShape } from './content-model.js';
import { MAX_JSON_DEPTH, type WriteContext } from './errors.js';
import { writeGenericContent } from './generic-xml.js';
import { isJsonObject } from './json.js';
import type { PrefixRegistry } from './namespaces.js';
import { compileSimpleType, type SimpleCodec } from './simple-type.js';

/** Writes one occurrence of an element; `value` is not undefined (null means xsi:nil). Returns '' on a violation. */
export type ElementWriter = (value: unknown, ctx: WriteContext) => string;

type JsonRecord = Record<string, unknown>;
/** Writes the part of a content model a particle covers; `index` ≥ 0 inside a repeated sequence's iteration. */
type ParticleWriter = (obj: JsonRecord, index: number, ctx: WriteContext) => string;

interface ComplexSlot {
  write: (open: string, close: string, value: unknown, ctx: WriteContext) => string;
}

export class TypeWriters {
  readonly #prefixes: PrefixRegistry;
  readonly #elements = new Map<ElementDecl, ElementWriter>();
  readonly #complex = new Map<ComplexType, ComplexSlot>();

  constructor(prefixes: PrefixRegistry) {
    this.#prefixes = prefixes;
  }

  /** The written name of an element outside any type (an rpc wrapper), from the same prefixes. */
  qualify(name: QName): string {
    return this.#prefixes.qualify(name);
  }

  element(decl: ElementDecl): ElementWriter {
    let writer = this.#elements.get(decl);
    if (writer === undefined) {
      writer = this.#compileElement(decl);
      this.#elements.set(decl, writer);
    }
    return writer;
  }

  #compileElement(decl: ElementDecl): ElementWriter {
    const qname = this.#prefixes.qualify(decl.name);
    const open = '<' + qname;
    const close = '</' + qname + '>';
    const nil = open + ' xsi:nil="true"/>';
    const nillable = decl.nillable;
    const fixed = decl.fixed;
    if (decl.type.kind === 'simple') {
      const codec = compileSimpleType(decl.type);
      return function writeSimpleElement(value, ctx) {
        if (value === null) return nillable ? nil : (ctx.fail('cannot be null'), '');
        const lexical = codec.write(value, ctx);
        if (lexical === undefined) return '';
        if (fixed !== undefined && lexical !== fixed) ctx.fail(`must be "${fixed}" (fixed by the schema)`);
        return open + '>' + escapeXmlText(lexical) + close;
      };
    }
    const slot = this.#complexSlot(decl.type);
    return function writeComplexElement(value, ctx) {
      if (value === null) return nillable ? nil : (ctx.fail('cannot be null'), '');
      return slot.write(open, close, value, ctx);
    };
  }

  #complexSlot(type: ComplexType): ComplexSlot {
    let slot = this.#complex.get(type);
    if (slot !== undefined) return slot;
    const pending: ComplexSlot = { write: () => '' };
    this.#complex.set(type, pending);
    pending.write = this.#compileComplex(type);
    slot = pending;
    return slot;
  }

  #compileComplex(type: ComplexType): ComplexSlot['write'] {
    const shape = flattenComplexType(type);
    const label = typeLabel(type);
    const text = type.text === undefined ? undefined : compileSimpleType(type.text);
    if (shape.scalar && text !== undefined) {
      return function writeScalarContent(open, close, value, ctx) {
        const lexical = text.write(value, ctx);
        return lexical === undefined ? '' : open + '>' + escapeXmlText(lexical) + close;
      };
    }
    if (shape.opaque) {
      return function writeOpaqueContent(open, close, value, ctx) {
        const body = writeGenericContent(value, ctx);
        return body === '' ? open + '/>' : open + '>' + body + close;
      };
    }
    const attributes = type.attributes.map((attribute) => this.#compileAttribute(attribute));
    const content = type.content === undefined ? undefined : this.#compileParticle(type.content, false);
    return function writeComplexContent(open, close, value, ctx) {
      if (ctx.path.length > MAX_JSON_DEPTH) {
        ctx.fail(`is nested deeper than ${MAX_JSON_DEPTH} levels`);
        return '';
      }
      if (!isJsonObject(value)) {
        ctx.fail(`must be an object (${label})`);
        return '';
      }
      rejectUnknownFields(value, shape, ctx);
      let attrs = '';
      for (const attribute of attributes) attrs += attribute(value, ctx);
      let body = '';
      if (text !== undefined) {
        const v = value[VALUE_FIELD];
        if (v !== undefined && v !== null) {
          ctx.path.push(VALUE_FIELD);
          const lexical = text.write(v, ctx);
          ctx.path.pop();
          if (lexical !== undefined) body = escapeXmlText(lexical);
        }
      } else if (content !== undefined) body = content(value, -1, ctx);
      return body === '' ? open + attrs + '/>' : open + attrs + '>' + body + close;
    };
  }

  #compileAttribute(attribute: AttributeDecl): (obj: JsonRecord, ctx: WriteContext) => string {
    const key = attribute.name.local;
    const prefix = ' ' + this.#prefixes.qualify(attribute.name) + '="';
    const codec: SimpleCodec = compileSimpleType(attribute.type);
    const { required, fixed } = attribute;
    return function writeAttribute(obj, ctx) {
      const value = obj[key];
      ctx.path.push(key);
      let out = '';
      if (value === undefined || value === null) {
        if (fixed !== undefined) out = prefix + escapeXmlAttribute(fixed) + '"';
        else if (required) ctx.fail('is a required attribute');
      } else {
        const lexical = codec.write(value, ctx);
        if (lexical !== undefined) {
          if (fixed !== undefined && lexical !== fixed) ctx.fail(`must be "${fixed}" (fixed by the schema)`);
          out = prefix + escapeXmlAttribute(lexical) + '"';
        }
      }
      ctx.path.pop();
      return out;
    };
  }

  #compileParticle(particle: Particle, repeated: boolean): ParticleWriter {
    if (particle.kind === 'any') return () => '';
    if (particle.kind === 'element') return this.#compileElementParticle(particle, repeated);
    return particle.kind === 'choice' ? this.#compileChoice(particle, repeated) : this.#compileSequence(particle, repeated);
  }

  #compileElementParticle(decl: ElementDecl, repeated: boolean): ParticleWriter {
    const key = decl.name.local;
    const write = this.element(decl);
    const { minOccurs, maxOccurs, nillable } = decl;
    const one = (value: unknown, ctx: WriteContext): string => (value === null && !nillable ? (ctx.fail('cannot be null'), '') : write(value, ctx));

    if (!repeated && maxOccurs <= 1) {
      return function writeElementParticle(obj, _index, ctx) {
        const value = obj[key];
        if (value === undefined || (value === null && !nillable && minOccurs === 0)) {
          if (value === undefined && minOccurs > 0) failAt(ctx, key, 'is required');
          return '';
        }
        ctx.path.push(key);
        const out = write(value, ctx);
        ctx.path.pop();
        return out;
      };
    }
    return function writeRepeatedElement(obj, index, ctx) {
      const value = obj[key];
      if (value === undefined || value === null) {
        if (minOccurs > 0 && !repeated) failAt(ctx, key, 'is required');
        return '';
      }
      if (!Array.isArray(value)) {
        // Inside an iteration the repeated sequence around has already reported it, once.
        if (index < 0) failAt(ctx, key, 'must be an array');
        return '';
      }
      ctx.path.push(key);
      let out = '';
      if (index >= 0) {
        // One iteration of a repeated group: this element's share is item `index` (itself an array if it repeats).
        const item: unknown = value[index];
        ctx.path.push(index);
        if (item === undefined) {
          if (minOccurs > 0) ctx.fail('is required in each repetition of its group');
        } else if (Array.isArray(item) && maxOccurs > 1) {
          for (const inner of item) out += one(inner, ctx);
        } else out += one(item, ctx);
        ctx.path.pop();
      } else {
        if (!repeated && value.length < minOccurs) ctx.fail(`must have at least ${minOccurs} items`);
        else if (!repeated && value.length > maxOccurs) ctx.fail(`must have at most ${maxOccurs} items`);
        for (let i = 0; i < value.length; i++) {
          ctx.path.push(i);
          out += one(value[i], ctx);
          ctx.path.pop();
        }
      }
      ctx.path.pop();
      return out;
    };
  }

  #compileSequence(group: ModelGroup, repeated: boolean): ParticleWriter {
    const repeats = group.maxOccurs > 1;
    const parts = group.particles.map((particle) => this.#compileParticle(particle, repeated || repeats));
    const keys = group.particles.flatMap(particleKeys);
    const optional = group.minOccurs === 0;
    const mayBeEmpty = emptiable(group);
    const writeOnce: ParticleWriter = (obj, index, ctx) => {
      if (optional && !anyPresent(obj, keys, index)) return '';
      let out = '';
      for (const part of parts) out += part(obj, index, ctx);
      return out;
    };
    if (!repeats) return writeOnce;
    return function writeRepeatedSequence(obj, index, ctx) {
      if (index >= 0) return writeOnce(obj, index, ctx);
      let rounds = 0;
      for (const key of keys) {
        const value = obj[key];
        if (Array.isArray(value)) rounds = Math.max(rounds, value.length);
        else if (value !== undefined && value !== null) failAt(ctx, key, 'must be an array (its group repeats)');
      }
      if (rounds > group.maxOccurs) ctx.fail(`fields ${keys.join(', ')} may repeat at most ${group.maxOccurs} times`);
      // Nothing given for a required group: one empty round reports what is missing.
      if (rounds === 0 && group.minOccurs > 0 && !mayBeEmpty) rounds = 1;
      let out = '';
      for (let i = 0; i < rounds; i++) out += writeOnce(obj, i, ctx);
      return out;
    };
  }

  #compileChoice(group: ModelGroup, repeated: boolean): ParticleWriter {
    const repeats = group.maxOccurs > 1;
    const alternatives = group.particles.map((particle) => ({
      keys: particleKeys(particle),
      write: this.#compileParticle(particle, repeated || repeats),
    }));
    const allKeys = alternatives.flatMap((alternative) => alternative.keys).join(', ');
    const mayBeEmpty = emptiable(group);
    return function writeChoice(obj, index, ctx) {
      if (repeats && index < 0) {
        let out = '';
        for (const alternative of alternatives) if (anyPresent(obj, alternative.keys, -1)) out += alternative.write(obj, -1, ctx);
        if (out === '' && !mayBeEmpty) ctx.fail(`needs one of: ${allKeys}`);
        return out;
      }
      let chosen: (typeof alternatives)[number] | undefined;
      for (const alternative of alternatives) {
        if (!anyPresent(obj, alternative.keys, index)) continue;
        if (chosen !== undefined) {
          ctx.fail(`only one of ${chosen.keys.concat(alternative.keys).join(', ')} may be given (xs:choice)`);
          return '';
        }
        chosen = alternative;
      }
      if (chosen === undefined) {
        if (!mayBeEmpty) ctx.fail(`needs one of: ${allKeys}`);
        return '';
      }
      return chosen.write(obj, index, ctx);
    };
  }
}

function anyPresent(obj: JsonRecord, keys: readonly string[], index: number): boolean {
  for (const key of keys) {
    const value = obj[key];
    if (value === undefined) continue;
    if (index < 0 || (Array.isArray(value) && value[index] !== undefined)) return true;
  }
  return false;
}

function rejectUnknownFields(value: JsonRecord, shape: FlatShape, ctx: WriteContext): void {
  for (const key in value) {
    if (!shape.keys.has(key)) failAt(ctx, key, shape.hasAny ? 'is not a declared field (xs:any content cannot be written from JSON)' : 'is not a field of this type');
  }
}

function failAt(ctx: WriteContext, key: string, message: string): void {
  ctx.path.push(key);
  ctx.fail(message);
  ctx.path.pop();
}
