import { didYouMean } from './errors.js';
import { describeShape, membersOf, unionOf, withoutMissing, type ObjectShape, type Shape } from './shape.js';

/**
 * Checks that values of shape `source` can be written where `target` is declared, and returns what is wrong, one
 * message per problem. The rules:
 * - `unknown` on either side is compatible with anything;
 * - `integer` and `number` are compatible both ways (a `toNumber` result may go into an integer field);
 * - a string enum must be a subset of the target's enum (when both declare one);
 * - `null` needs a nullable target; an optional source field needs an optional target field (`missing` values are
 *   left out of the output, so they fit any optional field);
 * - objects are compared field by field: a field the target does not declare (when it is closed) and a required
 *   target field the source never has are both mistakes; arrays by their items; a union source must fit in every member.
 */
export function assignIssues(source: Shape, target: Shape, field: string, label: string): string[] {
  const out: string[] = [];
  assign(source, target, field, label, out, 0);
  return out;
}

/** "`items[].sku` of the target" (or "the value for the target" at the root). */
export function fieldRef(field: string, label: string): string {
  return field === '' ? `the value for ${label}` : `\`${field}\` of ${label}`;
}

export function joinField(field: string, name: string): string {
  return field === '' ? name : `${field}.${name}`;
}

export function unknownFieldMessage(field: string, name: string, target: ObjectShape, label: string): string {
  const names = [...target.properties.keys()];
  const guess = didYouMean(name, names);
  const rest = guess !== undefined ? `; did you mean \`${joinField(field, guess)}\`?` : names.length === 0 ? ' (it has no fields)' : `; it has: ${names.join(', ')}`;
  return `\`${joinField(field, name)}\` is not a field of ${label}${rest}`;
}

export function missingFieldMessage(field: string, label: string): string {
  return `missing required field \`${field}\` of ${label}`;
}

export function mayBeMissingMessage(field: string, label: string): string {
  return `${fieldRef(field, label)} is required, but the value may be missing; use default(…, fallback) or \`??\``;
}

const MAX_DEPTH = 24;

function fits(source: Shape['kind'], target: Shape['kind']): boolean {
  if (source === target) return true;
  return (source === 'integer' && target === 'number') || (source === 'number' && target === 'integer');
}

function assign(source: Shape, target: Shape, field: string, label: string, out: string[], depth: number): void {
  if (depth > MAX_DEPTH || source.kind === 'unknown' || target.kind === 'unknown') return;
  const targets = membersOf(target);
  if (targets.some((t) => t.kind === 'unknown')) return;
  const sources = membersOf(source);
  const present = sources.filter((m) => m.kind !== 'null' && m.kind !== 'missing');
  if (sources.some((m) => m.kind === 'null') && !targets.some((t) => t.kind === 'null') && present.length > 0) {
    out.push(`${fieldRef(field, label)} is not nullable, but the value may be null; use default(…, fallback) or \`??\``);
  }
  const mismatched: Shape[] = sources.filter((m) => m.kind === 'null' && !targets.some((t) => t.kind === 'null') && present.length === 0);
  for (const member of present) {
    if (member.kind === 'unknown') continue;
    const candidates = targets.filter((t) => fits(member.kind, t.kind));
    if (candidates.length === 0) {
      mismatched.push(member);
      continue;
    }
    if (member.kind === 'string' && member.enum !== undefined) {
      const allowed = candidates.flatMap((t) => (t.kind === 'string' ? [t.enum] : []));
      if (allowed.every((values) => values !== undefined)) {
        const values = new Set(allowed.flatMap((v) => v ?? []));
        const outside = member.enum.filter((v) => !values.has(v));
        if (outside.length > 0) out.push(`${fieldRef(field, label)} expects ${describeShape(target)}, got ${outside.map((v) => JSON.stringify(v)).join(' | ')}`);
      }
    } else if (member.kind === 'array' || member.kind === 'object') {
      // Of several compatible target members (oneOf), the one that fits best is the one meant.
      let best: string[] | undefined;
      for (const candidate of candidates) {
        const issues: string[] = [];
        if (member.kind === 'array' && candidate.kind === 'array') assign(withoutMissing(member.items), candidate.items, `${field}[]`, label, issues, depth + 1);
        if (member.kind === 'object' && candidate.kind === 'object') assignObject(member, candidate, field, label, issues, depth + 1);
        if (best === undefined || issues.length < best.length) best = issues;
        if (issues.length === 0) break;
      }
      out.push(...(best ?? []));
    }
  }
  if (mismatched.length > 0) {
    const got = unionOf(...mismatched);
    out.push(`${fieldRef(field, label)} expects ${describeShape(target)}, got ${describeShape(got)}${conversionHint(got, target)}`);
  }
}

function assignObject(source: ObjectShape, target: ObjectShape, field: string, label: string, out: string[], depth: number): void {
  for (const [name, shape] of source.properties) {
    const path = joinField(field, name);
    let declared = target.properties.get(name);
    if (declared === undefined) {
      if (target.additional === null) {
        out.push(unknownFieldMessage(field, name, target, label));
        continue;
      }
      declared = target.additional;
    }
    const optional = !source.required.has(name) || membersOf(shape).some((m) => m.kind === 'missing');
    if (target.required.has(name) && optional && shape.kind !== 'unknown') out.push(mayBeMissingMessage(path, label));
    assign(withoutMissing(shape), declared, path, label, out, depth);
  }
  if (source.additional !== null) return; // the source may have more fields than it declares
  for (const name of target.required) {
    if (!source.properties.has(name)) out.push(missingFieldMessage(joinField(field, name), label));
  }
}

/** The conversion function that would fix a scalar mismatch, as a hint. */
export function conversionHint(source: Shape, target: Shape): string {
  const from = new Set(membersOf(source).map((m) => m.kind));
  const to = new Set(membersOf(target).map((m) => m.kind));
  if (from.has('string') && (to.has('integer') || to.has('number'))) return '; wrap it in toNumber(…)';
  if (from.has('string') && to.has('boolean')) return '; wrap it in toBoolean(…)';
  if ((from.has('integer') || from.has('number') || from.has('boolean')) && to.has('string')) return '; wrap it in toString(…)';
  return '';
}
