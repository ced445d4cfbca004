import type { Violation } from '../errors/gateway-error.js';
import type { RequestInput, RequestValidator, ValidatedParams } from './types.js';
import { pushAjvViolations } from './ajv-violations.js';
import type { ParamPlan } from './parameters.js';
import { BAD_ENCODING, decodeComponent, parseQuery, readHeader, readPath, readQuery, type RawValue } from './param-styles.js';
import type { BodyPlan } from './request-body.js';
import { coerceValue } from './schema-types.js';

type Result = ReturnType<RequestValidator['validate']>;

const EMPTY: Readonly<Record<string, unknown>> = Object.freeze({});
const NO_PARAMS: ValidatedParams = Object.freeze({ path: EMPTY, query: EMPTY, header: EMPTY });
const OK_NO_PARAMS: Result = Object.freeze({ ok: true, params: NO_PARAMS });

/**
 * Builds the validator of one operation from its compiled parameters and body. `validate` never throws: it reads
 * each parameter by its style, coerces it to the schema's types, validates it, checks the body, and returns either
 * the coerced parameters or every violation in a stable order (path, query, header, then body). An operation with
 * no parameters and no JSON body gets a validator that returns one shared frozen result.
 */
export function createRequestValidator(params: readonly ParamPlan[], body: BodyPlan | undefined): RequestValidator {
  const needsJsonBody = body !== undefined && body.fallback !== undefined;
  const bodyRequired = body?.required === true;
  if (params.length === 0 && !needsJsonBody && !bodyRequired) {
    return { needsJsonBody: false, validate: () => OK_NO_PARAMS };
  }
  const hasQuery = params.some((p) => p.in === 'query');

  return {
    needsJsonBody,
    validate(input: RequestInput): Result {
      const violations: Violation[] = [];
      const path: Record<string, unknown> = {};
      const query: Record<string, unknown> = {};
      const header: Record<string, unknown> = {};
      const parsedQuery = hasQuery ? parseQuery(input.rawQuery) : undefined;

      for (const plan of params) {
        let raw: RawValue | undefined | typeof BAD_ENCODING;
        if (plan.in === 'path') {
          const value = input.path[plan.name];
          raw = value === undefined ? undefined : plan.json ? value : readPath(plan, value);
        } else if (plan.in === 'query') {
          raw = plan.json ? parsedQuery?.get(plan.name)?.[0] : readQuery(plan, parsedQuery ?? new Map());
          if (plan.json && typeof raw === 'string') raw = decodeComponent(raw);
        } else {
          raw = readHeader(plan, input.headers[plan.key]);
        }
        const target = plan.in === 'path' ? path : plan.in === 'query' ? query : header;
        if (raw === undefined) {
          if (plan.required) violations.push({ location: plan.location, message: 'is required' });
          else if (plan.defaultValue !== undefined) target[plan.name] = plan.defaultValue;
          continue;
        }
        if (raw === BAD_ENCODING) {
          violations.push({ location: plan.location, message: 'is not valid percent-encoding' });
          continue;
        }
        let value: unknown;
        if (plan.json) {
          try {
            value = JSON.parse(raw as string);
          } catch {
            violations.push({ location: plan.location, message: 'must be valid JSON' });
            continue;
          }
        } else {
          value = coerceValue(raw, plan.info);
        }
        if (!plan.validate(value)) pushAjvViolations(plan.location, plan.validate.errors, violations);
        else target[plan.name] = value;
      }

      if (body !== undefined) {
        if (input.body === undefined) {
          if (body.required && !input.hasBody) violations.push({ location: '/body', message: 'request body is required' });
        } else {
          const validate = (input.mediaType === undefined ? undefined : body.validators.get(input.mediaType)) ?? body.fallback;
          if (validate !== undefined && !validate(input.body)) pushAjvViolations('/body', validate.errors, violations);
        }
      }
      if (violations.length > 0) return { ok: false, violations };
      return { ok: true, params: { path, query, header } };
    },
  };
}
