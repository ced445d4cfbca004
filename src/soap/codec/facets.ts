/**
 * Constraining facets (XML Schema Part 2, §4.3) compiled once per simple type into one checker. The checker sees a
 * value both as its lexical form (enumeration, pattern) and as what its family measures: exact decimal parts for
 * bounds and digits of integer and decimal types, a double for float and double, a length for strings (code
 * points), binary types (octets) and lists (items).
 */
import type { Facets } from '../model.js';
import type { BuiltinFamily } from './builtins.js';
import { compareDecimal, formatDecimal, parseDecimal, totalDigits, type DecimalParts } from './decimal.js';
import { SoapCodecCompileError, type WriteContext } from './errors.js';
import { compileXsdPattern } from './xsd-pattern.js';

export interface Measured {
  decimal?: DecimalParts | undefined;
  double?: number | undefined;
  length?: number | undefined;
}

/**
 * Checks a value; reports each violation to `ctx` when given, and returns whether all facets hold. Undefined when
 * the type has no facet worth checking, so the hot path skips the call.
 */
export type FacetChecker = (lexical: string, measured: Measured, ctx: WriteContext | undefined) => boolean;

type Check = (lexical: string, measured: Measured) => string | undefined;

export function compileFacets(facets: Facets, family: BuiltinFamily, label: string, implicit: { min?: string; max?: string }): FacetChecker | undefined {
  const checks: Check[] = [];
  const numeric = family === 'integer' || family === 'decimal';

  if (facets.enumeration !== undefined && facets.enumeration.length > 0) {
    const listed = facets.enumeration.map((value) => `"${value}"`).join(', ');
    const message = `must be one of ${listed}`;
    if (numeric) {
      const values = facets.enumeration.map((value) => parseDecimal(value.trim()));
      checks.push((_lexical, m) => (m.decimal !== undefined && values.some((v) => v !== undefined && compareDecimal(v, m.decimal as DecimalParts) === 0) ? undefined : message));
    } else {
      const values = new Set(facets.enumeration);
      checks.push((lexical) => (values.has(lexical) ? undefined : message));
    }
  }

  // One entry per restriction step, the step's own patterns already joined with "|" (model.ts): XSD ORs the
  // patterns of a step and ANDs the steps (§4.3.4.3), so every entry must match.
  for (const pattern of facets.pattern ?? []) {
    const re = compileXsdPattern(pattern, label);
    const message = `must match the pattern ${pattern}`;
    checks.push((lexical) => (re.test(lexical) ? undefined : message));
  }

  const unit = family === 'base64Binary' || family === 'hexBinary' ? 'bytes' : 'characters';
  if (facets.length !== undefined) {
    const length = facets.length;
    checks.push((_l, m) => (m.length === undefined || m.length === length ? undefined : `must have exactly ${length} ${unit}`));
  }
  if (facets.minLength !== undefined) {
    const min = facets.minLength;
    checks.push((_l, m) => (m.length === undefined || m.length >= min ? undefined : `must have at least ${min} ${unit}`));
  }
  if (facets.maxLength !== undefined) {
    const max = facets.maxLength;
    checks.push((_l, m) => (m.length === undefined || m.length <= max ? undefined : `must have at most ${max} ${unit}`));
  }

  if (numeric || family === 'float' || family === 'double') addBounds(checks, facets, family, label, implicit);

  if (numeric && facets.totalDigits !== undefined) {
    const max = facets.totalDigits;
    checks.push((_l, m) => (m.decimal === undefined || totalDigits(m.decimal) <= max ? undefined : `must have at most ${max} digits`));
  }
  if (numeric && facets.fractionDigits !== undefined) {
    const max = facets.fractionDigits;
    checks.push((_l, m) => (m.decimal === undefined || m.decimal.frac.length <= max ? undefined : `must have at most ${max} fraction digits`));
  }

  if (checks.length === 0) return undefined;
  return function checkFacets(lexical, measured, ctx) {
    let ok = true;
    for (const check of checks) {
      const problem = check(lexical, measured);
      if (problem === undefined) continue;
      ok = false;
      if (ctx === undefined) return false;
      ctx.fail(problem);
    }
    return ok;
  };
}

function addBounds(checks: Check[], facets: Facets, family: BuiltinFamily, label: string, implicit: { min?: string; max?: string }): void {
  const bound = (text: string | undefined, inclusive: boolean, lower: boolean): void => {
    if (text === undefined) return;
    const words = lower ? (inclusive ? 'at least' : 'greater than') : inclusive ? 'at most' : 'less than';
    const message = `must be ${words} ${text.trim()}`;
    const accept = (order: number): boolean => (lower ? (inclusive ? order >= 0 : order > 0) : inclusive ? order <= 0 : order < 0);
    if (family === 'float' || family === 'double') {
      const limit = Number(text.trim());
      if (Number.isNaN(limit)) throw new SoapCodecCompileError(`${label}: bound "${text}" is not a number`);
      checks.push((_l, m) => (m.double === undefined || Number.isNaN(m.double) || accept(Math.sign(m.double - limit)) ? undefined : message));
      return;
    }
    const limit = parseDecimal(text.trim());
    if (limit === undefined) throw new SoapCodecCompileError(`${label}: bound "${text}" is not a decimal`);
    const shown = `must be ${words} ${formatDecimal(limit)}`;
    checks.push((_l, m) => (m.decimal === undefined || accept(compareDecimal(m.decimal, limit)) ? undefined : shown));
  };
  // The built-in bounds (xs:int's range) are checked like minInclusive/maxInclusive, after the declared ones.
  bound(facets.minInclusive, true, true);
  bound(facets.minExclusive, false, true);
  bound(facets.maxInclusive, true, false);
  bound(facets.maxExclusive, false, false);
  bound(implicit.min, true, true);
  bound(implicit.max, true, false);
}
