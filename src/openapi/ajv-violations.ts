import type { ErrorObject } from 'ajv';
import type { Violation } from '../errors/gateway-error.js';
import { escapeToken } from './json-pointer.js';

function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Turns ajv errors into violations located under `prefix` (`/body`, `/query/limit`). The location is the prefix
 * plus ajv's `instancePath`, plus the property name for `required` ("is required") and for
 * `additionalProperties` / `unevaluatedProperties` ("is not allowed"), so a client sees which field to fix.
 * Messages are ajv's, completed with the allowed values for `enum` and `const`. Pushes onto `out`, skipping
 * duplicates (allErrors can report one problem through several branches).
 */
export function pushAjvViolations(prefix: string, errors: readonly ErrorObject[] | null | undefined, out: Violation[]): void {
  if (errors === null || errors === undefined) return;
  for (const error of errors) {
    let location = prefix + error.instancePath;
    let message = error.message ?? 'is invalid';
    const params = error.params as Record<string, unknown>;
    switch (error.keyword) {
      case 'required':
        location += '/' + escapeToken(String(params['missingProperty']));
        message = 'is required';
        break;
      case 'additionalProperties':
        location += '/' + escapeToken(String(params['additionalProperty']));
        message = 'is not allowed';
        break;
      case 'unevaluatedProperties':
        location += '/' + escapeToken(String(params['unevaluatedProperty']));
        message = 'is not allowed';
        break;
      case 'enum': {
        const allowed = params['allowedValues'];
        if (Array.isArray(allowed)) message += ': ' + allowed.map(show).join(', ');
        break;
      }
      case 'type': {
        // ajv joins a 3.1 type array with commas ("must be string,null"); say it the way a person would.
        const type = params['type'];
        if (Array.isArray(type)) message = 'must be ' + type.join(' or ');
        else if (typeof type === 'string' && type.includes(',')) message = 'must be ' + type.split(',').join(' or ');
        break;
      }
      case 'const':
        message += ': ' + show(params['allowedValue']);
        break;
      default:
        break;
    }
    if (!out.some((v) => v.location === location && v.message === message)) out.push({ location, message });
  }
}
