import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { ConfigError, toPointer, type ConfigIssue } from './config-error.js';
import { deepFreeze, type DeepReadonly } from './deep-freeze.js';
import { substituteEnv, type EnvIssue } from './env-substitution.js';
import { gatewayConfigSchema, type ParsedConfig } from './schema.js';

/** The loaded, validated and frozen `gateway.yaml`. File paths inside it stay as written; resolve with `baseDir`. */
export type GatewayConfig = DeepReadonly<ParsedConfig> & {
  /** The config file as the user named it. */
  readonly file: string;
  /** Directory that relative paths in the config are resolved against. */
  readonly baseDir: string;
};

/** Locates JSON pointers in a parsed YAML file, for `file:line` in messages. */
export interface SourceMap {
  lineOf(path: readonly PropertyKey[]): number | undefined;
}

export interface ParsedYaml {
  readonly data: unknown;
  readonly source: SourceMap;
  readonly issues: ConfigIssue[];
}

/** Parses YAML (or JSON) keeping line information; syntax errors become issues, never exceptions. */
export function parseYamlFile(absPath: string, displayName: string): ParsedYaml {
  let text: string;
  try {
    text = readFileSync(absPath, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : 'file cannot be read';
    return { data: undefined, source: { lineOf: () => undefined }, issues: [{ file: displayName, pointer: '', message: reason }] };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const issues: ConfigIssue[] = doc.errors.map((error) => ({
    file: displayName,
    pointer: '',
    line: error.linePos?.[0]?.line,
    message: `YAML syntax: ${(error.message.split('\n')[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, '')}`,
  }));
  return { data: issues.length > 0 ? undefined : doc.toJS(), source: sourceMapOf(doc, lineCounter), issues };
}

function sourceMapOf(doc: Document, lineCounter: LineCounter): SourceMap {
  return {
    lineOf(keys) {
      // A field's line is its key's line (a block value starts on the next one).
      if (keys.length > 0) {
        const parent = doc.getIn(keys.slice(0, -1) as unknown[], true);
        if (isMap(parent)) {
          const last = String(keys[keys.length - 1]);
          const pair = parent.items.find((item) => isScalar(item.key) && String(item.key.value) === last);
          const offset = pair !== undefined && isScalar(pair.key) ? pair.key.range?.[0] : undefined;
          if (offset !== undefined) return lineCounter.linePos(offset).line;
        }
      }
      // The node itself may not exist (a missing required field): fall back to its nearest existing parent.
      for (let depth = keys.length; depth >= 0; depth--) {
        const node = doc.getIn(keys.slice(0, depth) as unknown[], true) as { range?: [number, number, number] } | undefined;
        const offset = node?.range?.[0];
        if (offset !== undefined) return lineCounter.linePos(offset).line;
      }
      return undefined;
    },
  };
}

/** Zod's messages say what was found; these add what was expected where zod is terse. */
function describeZodIssue(issue: z.core.$ZodIssue): { path: PropertyKey[]; message: string }[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: [...issue.path, key], message: `unknown field "${key}"` }));
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) {
    return [{ path: issue.path, message: `is required (expected ${issue.expected})` }];
  }
  return [{ path: issue.path, message: issue.message }];
}

export interface LoadConfigOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Loads `gateway.yaml`: YAML → `${ENV}` substitution → zod → file existence checks → frozen object.
 * Throws ConfigError listing every issue found. Cross-checks that need the OpenAPI documents (operationIds named
 * in `routes`) happen when the gateway is built, and are reported the same way.
 */
export function loadConfig(configPath: string, options: LoadConfigOptions = {}): GatewayConfig {
  const displayName = displayPath(configPath);
  const parsed = parseYamlFile(path.resolve(configPath), displayName);
  if (parsed.issues.length > 0) throw new ConfigError(parsed.issues);
  const baseDir = path.dirname(path.resolve(configPath));
  return validateConfigData(parsed.data, { file: displayName, baseDir, source: parsed.source, env: options.env ?? process.env });
}

/** Validates already-parsed config data; used by `loadConfig` and by the embedded demo config. */
export function validateConfigData(
  data: unknown,
  context: { file: string; baseDir: string; source?: SourceMap; env?: Readonly<Record<string, string | undefined>> },
): GatewayConfig {
  const { file, baseDir } = context;
  const lineOf = (keys: readonly PropertyKey[]): number | undefined => context.source?.lineOf(keys);
  const issueAt = (keys: readonly PropertyKey[], message: string): ConfigIssue => ({
    file,
    pointer: toPointer(keys),
    line: lineOf(keys),
    message,
  });

  const envIssues: EnvIssue[] = [];
  const substituted = substituteEnv(data ?? {}, context.env ?? {}, envIssues);
  const issues: ConfigIssue[] = envIssues.map((issue) => issueAt(issue.path, issue.message));

  const result = gatewayConfigSchema.safeParse(substituted, { reportInput: true });
  if (!result.success) {
    for (const zodIssue of result.error.issues) {
      for (const { path: keys, message } of describeZodIssue(zodIssue)) {
        // A value left as `${NAME}` because NAME is unset fails its schema too; the env issue already says why.
        if (!envIssues.some((envIssue) => envIssue.pointer === toPointer(keys))) issues.push(issueAt(keys, message));
      }
    }
    throw new ConfigError(sortIssues(issues));
  }
  const config = result.data;

  if (config.openapi.length === 0 && Object.keys(config.grpc.services).length === 0 && Object.keys(config.soap.services).length === 0) {
    issues.push(issueAt(['openapi'], 'no routes to serve: list OpenAPI documents here, gRPC services under grpc.services, or SOAP services under soap.services'));
  }
  const fileMustExist = (keys: readonly PropertyKey[], relative: string, what: string): void => {
    if (!existsSync(path.resolve(baseDir, relative))) issues.push(issueAt(keys, `${what} "${relative}" not found`));
  };
  config.openapi.forEach((entry, index) => {
    fileMustExist(['openapi', index, 'file'], entry.file, 'OpenAPI document');
    if (entry.upstream !== undefined && !(entry.upstream in config.upstreams)) {
      issues.push(issueAt(['openapi', index, 'upstream'], unknownUpstream(entry.upstream, config)));
    }
  });
  config.mappings.forEach((mapping, index) => fileMustExist(['mappings', index], mapping, 'mapping file'));
  for (const [name, profile] of Object.entries(config.profiles)) {
    profile.openapi?.forEach((entry, index) => {
      fileMustExist(['profiles', name, 'openapi', index, 'file'], entry.file, 'OpenAPI document');
      if (entry.upstream !== undefined && !(entry.upstream in config.upstreams)) {
        issues.push(issueAt(['profiles', name, 'openapi', index, 'upstream'], unknownUpstream(entry.upstream, config)));
      }
    });
  }
  config.listeners.forEach((listener, index) => {
    if (listener.tls !== undefined) {
      fileMustExist(['listeners', index, 'tls', 'cert'], listener.tls.cert, 'certificate file');
      fileMustExist(['listeners', index, 'tls', 'key'], listener.tls.key, 'key file');
    }
  });
  const seenPorts = new Map<string, number>();
  config.listeners.forEach((listener, index) => {
    const key = `${listener.host}:${listener.port}`;
    const first = seenPorts.get(key);
    if (listener.port !== 0 && first !== undefined) {
      issues.push(issueAt(['listeners', index, 'port'], `${key} is already used by listeners/${first}`));
    }
    seenPorts.set(key, index);
  });
  for (const [name, upstream] of Object.entries(config.upstreams)) {
    for (const field of ['ca', 'cert', 'key'] as const) {
      const value = upstream.tls?.[field];
      if (value !== undefined) fileMustExist(['upstreams', name, 'tls', field], value, `TLS ${field} file`);
    }
  }
  for (const [operationId, policy] of Object.entries(config.routes)) {
    if (policy.upstream !== undefined && !(policy.upstream in config.upstreams)) {
      issues.push(issueAt(['routes', operationId, 'upstream'], unknownUpstream(policy.upstream, config)));
    }
  }
  if (issues.length > 0) throw new ConfigError(sortIssues(issues));
  return deepFreeze({ ...config, file, baseDir }) as GatewayConfig;
}

function unknownUpstream(name: string, config: ParsedConfig): string {
  const known = Object.keys(config.upstreams);
  return `upstream "${name}" is not defined; expected one of: ${known.length > 0 ? known.join(', ') : '(none defined)'}`;
}

function sortIssues(issues: ConfigIssue[]): ConfigIssue[] {
  return issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || a.pointer.localeCompare(b.pointer));
}

/** Paths in messages are relative to the working directory when that is shorter. */
export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), path.resolve(file));
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}
