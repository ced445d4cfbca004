import protobuf from 'protobufjs';
import { escapeRegExp, lineOf, type ProtoIssue } from './proto-issue.js';

/** A loaded file's display name and, when readable, its text (to find the line of a declaration). */
export interface SourceInfo {
  readonly file: string;
  readonly source?: string;
}

/**
 * Resolves every field and method type of `root` one by one, so that all unresolvable
 * references are reported, not only the first one `root.resolveAll()` throws on. Each issue
 * names the declaring file and the line of the declaration when it can be found.
 */
export function collectResolveIssues(root: protobuf.Root, sourceOf: (filename: string) => SourceInfo): ProtoIssue[] {
  const issues: ProtoIssue[] = [];
  const sources = new Map<string, SourceInfo>();
  const info = (filename: string | null): SourceInfo => {
    const key = filename ?? '';
    let found = sources.get(key);
    if (found === undefined) {
      found = filename === null ? { file: '<unknown>' } : sourceOf(filename);
      sources.set(key, found);
    }
    return found;
  };
  const report = (object: protobuf.ReflectionObject, pattern: RegExp, message: string): void => {
    const { file, source } = info(object.filename);
    const line = source === undefined ? undefined : lineOf(source, pattern);
    issues.push(line === undefined ? { file, message } : { file, line, message });
  };

  const visit = (namespace: protobuf.NamespaceBase): void => {
    for (const nested of namespace.nestedArray) {
      if (nested instanceof protobuf.Type) {
        for (const field of nested.fieldsArray) {
          try {
            field.resolve();
          } catch {
            const declared = field instanceof protobuf.MapField ? `map\\s*<[^>]*>` : escapeRegExp(field.type);
            report(field, new RegExp(`${declared}\\s+${escapeRegExp(field.name)}\\s*=`), `field ${trimDot(nested.fullName)}.${field.name}: unresolvable type "${field.type}"`);
          }
        }
      } else if (nested instanceof protobuf.Service) {
        for (const method of nested.methodsArray) {
          for (const [kind, typeName] of [['request', method.requestType], ['response', method.responseType]] as const) {
            if (lookupMessage(nested, typeName)) continue;
            report(method, new RegExp(`rpc\\s+${escapeRegExp(method.name)}\\s*\\(`), `method ${trimDot(nested.fullName)}/${method.name}: unresolvable ${kind} type "${typeName}"`);
          }
        }
      }
      if (nested instanceof protobuf.Namespace) visit(nested);
    }
  };
  // resolveAll first: it resolves editions features for the whole tree before any type
  // (Field#resolve needs them), then throws on the first unresolvable reference only; the walk
  // below reports every one. When the walk finds nothing, the error is one it cannot attribute
  // (an `extend` of an unknown message, …) and is reported as protobufjs wrote it.
  let firstError: string | undefined;
  try {
    root.resolveAll();
  } catch (error) {
    firstError = error instanceof Error ? error.message : String(error);
  }
  visit(root);
  if (firstError !== undefined && issues.length === 0) issues.push({ file: '<root>', message: firstError });
  return issues;
}

function lookupMessage(scope: protobuf.NamespaceBase, typeName: string): boolean {
  try {
    return scope.lookup(typeName, [protobuf.Type]) !== null;
  } catch {
    return false;
  }
}

/** protobufjs full names start with a dot (`.pkg.Type`); gRPC and users write them without. */
function trimDot(fullName: string): string {
  return fullName.startsWith('.') ? fullName.slice(1) : fullName;
}
