import path from 'node:path';
import { toPointer, type ConfigIssue } from '../config/config-error.js';
import { parseYamlFile, type SourceMap } from '../config/load-config.js';
import { mappingFileSchema, type MappingFile } from './mapping-schema.js';
import { pointerTokens } from './template-site.js';

/** A mapping file parsed and checked against its schema, with its source map for line numbers. */
export interface LoadedMapping {
  /** The file as named in gateway.yaml. */
  readonly file: string;
  readonly spec: MappingFile;
  readonly source: SourceMap;
}

/**
 * Reads and schema-checks one mapping file. Problems are appended to `issues` (file, line, pointer, message) and
 * undefined is returned; the expressions inside are compiled later, against the route they belong to.
 */
export function loadMappingFile(baseDir: string, file: string, issues: ConfigIssue[]): LoadedMapping | undefined {
  const parsed = parseYamlFile(path.resolve(baseDir, file), file);
  if (parsed.issues.length > 0) {
    issues.push(...parsed.issues);
    return undefined;
  }
  const result = mappingFileSchema.safeParse(parsed.data, { reportInput: true });
  if (!result.success) {
    for (const issue of result.error.issues) {
      const keys = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0] ?? ''] : issue.path;
      const message =
        issue.code === 'unrecognized_keys'
          ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}`
          : issue.code === 'invalid_type' && issue.input === undefined
            ? `is required (expected ${issue.expected})`
            : issue.message;
      issues.push({ file, pointer: toPointer(keys), line: parsed.source.lineOf(keys), message });
    }
    return undefined;
  }
  return { file, spec: result.data, source: parsed.source };
}

/** `lineOf` for templates under `prefix` (keys of the template's root in the file), fed JSON pointers. */
export function templateLines(source: SourceMap, prefix: readonly PropertyKey[]): (pointer: string) => number | undefined {
  return (pointer: string) => source.lineOf([...prefix, ...pointerTokens(pointer).map((token) => (/^\d+$/.test(token) ? Number(token) : token))]);
}
