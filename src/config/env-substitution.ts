import { toPointer } from './config-error.js';

export interface EnvIssue {
  readonly path: readonly (string | number)[];
  readonly pointer: string;
  readonly message: string;
}

const PLACEHOLDER = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Replaces `${NAME}` in every string value with the environment variable NAME, so secrets stay out of git.
 * `$${` escapes a literal `${`. A variable that is not set is an issue (not an empty string): a missing
 * secret must stop the gateway, not make it run with an empty password.
 */
export function substituteEnv(
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
  issues: EnvIssue[],
  path: (string | number)[] = [],
): unknown {
  if (typeof value === 'string') {
    if (!value.includes('${')) return value;
    return value.replace(PLACEHOLDER, (match: string, name: string | undefined) => {
      if (name === undefined) return '${';
      const resolved = env[name];
      if (resolved === undefined) {
        issues.push({ path: [...path], pointer: toPointer(path), message: `environment variable ${name} is not set` });
        return match;
      }
      return resolved;
    });
  }
  if (Array.isArray(value)) {
    return value.map((item, index) => substituteEnv(item, env, issues, [...path, index]));
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = substituteEnv(item, env, issues, [...path, key]);
    return out;
  }
  return value;
}
