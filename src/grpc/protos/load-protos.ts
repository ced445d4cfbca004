import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import protobuf from 'protobufjs';
import { loadDescriptorSets } from './load-descriptor-sets.js';
import { escapeRegExp, lineOf, type ProtoIssue } from './proto-issue.js';
import { collectResolveIssues } from './resolve-issues.js';

export type { ProtoIssue } from './proto-issue.js';

/** Options of {@link loadProtos}. */
export interface LoadProtosOptions {
  /** Directories searched, in order, for `import "a/b.proto"` (protoc's `-I`). */
  readonly includeDirs: readonly string[];
  /** Directory that issue file names are relative to; defaults to `process.cwd()`. */
  readonly displayRoot?: string;
  /**
   * Serialized `google.protobuf.FileDescriptorSet` files, loaded into the same root before the `.proto` files (see
   * load-descriptor-sets.ts). An import of a `.proto` a set provides is taken from the set.
   */
  readonly descriptorSets?: readonly string[];
}

/** What {@link loadProtos} returns: the root, resolved as far as possible, and every issue found. */
export interface LoadedProtos {
  readonly root: protobuf.Root;
  readonly issues: ProtoIssue[];
}

const require = createRequire(import.meta.url);
/** google/api/*.proto come from the google-proto-files package, read in place (never copied). */
const googleProtoFilesDir = path.dirname(require.resolve('google-proto-files/package.json'));
/** protobufjs ships protobufjs-compatible copies of the non-bundled google/protobuf files (descriptor.proto, …). */
const protobufjsDir = path.dirname(require.resolve('protobufjs/package.json'));

const parseOptions: protobuf.IParseOptions = { keepCase: true, alternateCommentMode: true };

/** protobufjs keeps the current file name on `parse` (untyped) so reflection objects get `filename`. */
const parseState = protobuf.parse as unknown as { filename: string | null };

/**
 * Loads `.proto` files into one protobufjs root with original field names (`keepCase`).
 *
 * Imports are resolved like protoc: the well-known types bundled with protobufjs
 * (`google/protobuf/timestamp.proto`, …), then `includeDirs` in order, then the
 * google-proto-files package (`google/api/annotations.proto`, `http.proto`, `httpbody.proto`, …).
 * Nothing throws: parse errors (with their line), files or imports that cannot be found
 * (with the line of the `import`) and unresolvable type references become issues, and the
 * root holds everything that could be loaded.
 *
 * Descriptor sets come first. A dependency a set lacks (written without `--include_imports`) is resolved like an
 * import, so google/api and the well-known types need not be in it; one found nowhere is an issue naming the set.
 */
export function loadProtos(files: readonly string[], options: LoadProtosOptions): LoadedProtos {
  const displayRoot = options.displayRoot ?? process.cwd();
  const includeDirs = options.includeDirs.map((dir) => path.resolve(dir));
  const display = (file: string): string => path.relative(displayRoot, file).split(path.sep).join('/');
  const root = new protobuf.Root();
  const issues: ProtoIssue[] = [];
  const seen = new Set<string>();
  const setFiles = new Set((options.descriptorSets ?? []).map((file) => path.resolve(file)));
  const fromSets = loadDescriptorSets(root, [...setFiles], display, issues);

  const loadFile = (absolute: string): void => {
    if (seen.has(absolute)) return;
    seen.add(absolute);
    const file = display(absolute);
    let source: string;
    try {
      source = readFileSync(absolute, 'utf8');
    } catch (error) {
      issues.push({ file, message: `cannot read file: ${errorMessage(error)}` });
      return;
    }
    let parsed: protobuf.IParserResult;
    try {
      parseState.filename = absolute;
      parsed = protobuf.parse(source, root, parseOptions);
    } catch (error) {
      issues.push(parseIssue(file, errorMessage(error)));
      return;
    } finally {
      parseState.filename = null;
    }
    root.files.push(absolute);
    for (const [imports, weak] of [[parsed.imports, false], [parsed.weakImports, true]] as const) {
      for (const target of imports ?? []) {
        if (fromSets.provided.has(target) || loadBundled(root, target, seen)) continue;
        const resolved = resolveImport(target, includeDirs);
        if (resolved !== undefined) loadFile(resolved);
        // protoc ignores a missing weak import, so do we.
        else if (!weak) issues.push(withLine(file, lineOf(source, importPattern(target)), `import "${target}" not found in the include dirs or google-proto-files`));
      }
    }
  };

  for (const given of files) {
    const absolute = path.resolve(given);
    if (!existsSync(absolute)) issues.push({ file: display(absolute), message: 'file not found' });
    else loadFile(absolute);
  }
  for (const { setFile, file, dependency } of fromSets.missing) {
    if (loadBundled(root, dependency, seen)) continue;
    const resolved = resolveImport(dependency, includeDirs);
    if (resolved !== undefined) loadFile(resolved);
    else {
      issues.push({
        file: setFile,
        message: `${file} depends on "${dependency}", which is neither in the descriptor set nor in the include dirs or google-proto-files (write the set with protoc --include_imports)`,
      });
    }
  }
  issues.push(...collectResolveIssues(root, (absolute) => {
    if (!path.isAbsolute(absolute)) return { file: absolute };
    if (setFiles.has(absolute)) return { file: display(absolute) }; // binary: no lines to point at
    try {
      return { file: display(absolute), source: readFileSync(absolute, 'utf8') };
    } catch {
      return { file: display(absolute) };
    }
  }));
  return { root, issues };
}

/** Well-known types protobufjs bundles as JSON (`protobuf.common`): added once, no file needed. */
function loadBundled(root: protobuf.Root, target: string, seen: Set<string>): boolean {
  const bundled = protobuf.common.get(target);
  if (bundled === null) return false;
  if (!seen.has(target)) {
    seen.add(target);
    root.files.push(target);
    if (bundled.nested !== undefined) root.addJSON(bundled.nested);
  }
  return true;
}

/** protoc semantics: an import names a path under an include dir, never relative to the importing file. */
function resolveImport(target: string, includeDirs: readonly string[]): string | undefined {
  const dirs = target.startsWith('google/protobuf/')
    ? [protobufjsDir, ...includeDirs, googleProtoFilesDir]
    : [...includeDirs, googleProtoFilesDir];
  for (const dir of dirs) {
    const candidate = path.resolve(dir, target);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** protobufjs ends parse errors with `(file, line N)` or `(line N)`: split that into the issue's fields. */
function parseIssue(file: string, message: string): ProtoIssue {
  const match = /\s*\((?:[^()]*, )?line (\d+)\)$/.exec(message);
  if (match === null || match[1] === undefined) return { file, message };
  return { file, line: Number(match[1]), message: message.slice(0, match.index) };
}

function withLine(file: string, line: number | undefined, message: string): ProtoIssue {
  return line === undefined ? { file, message } : { file, line, message };
}

function importPattern(target: string): RegExp {
  return new RegExp(`^\\s*import\\s+(?:weak\\s+|public\\s+)?["']${escapeRegExp(target)}["']`);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
