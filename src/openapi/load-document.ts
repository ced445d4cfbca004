import type { HttpMethod } from '../routing/types.js';
import { templateParamNames } from '../routing/template.js';
import { createAjv, type AjvInstance, type Dialect } from './create-ajv.js';
import { createDocumentSet, readDocumentFile, type DocumentSet, type Located } from './document-set.js';
import { child, isRecord } from './json-pointer.js';
import { normalizeSchemas } from './normalize-schemas.js';
import { compileParameters } from './parameters.js';
import { compileRequestBody } from './request-body.js';
import { createRequestValidator } from './request-validator.js';
import { joinTemplate, serverBasePaths } from './servers.js';
import type { LoadIssue, OperationSpec } from './types.js';
import { operationSchemas } from './operation-schemas.js';

/** The operation keys of a Path Item Object (OpenAPI 3.x §4.8.9.1), in the order operations are published. */
const METHODS: readonly (readonly [string, HttpMethod])[] = [
  ['get', 'GET'],
  ['put', 'PUT'],
  ['post', 'POST'],
  ['delete', 'DELETE'],
  ['options', 'OPTIONS'],
  ['head', 'HEAD'],
  ['patch', 'PATCH'],
  ['trace', 'TRACE'],
];

/**
 * Loads one OpenAPI 3.0.x or 3.1.x document (YAML or JSON) and compiles every operation into an
 * {@link OperationSpec} with its request validator.
 *
 * - Never throws for a bad document: every problem is returned in `issues` (file = `displayName`, or the path of
 *   a referenced file; pointer = JSON pointer to the offending member), all of them, not only the first. An
 *   unreadable or unparsable file is one issue at pointer `""`. An operation with an issue is not returned.
 * - Each operation is published under the base path of each of its servers (operation, then path item, then
 *   document `servers`; none → `/`), one OperationSpec per base path.
 * - `$ref`s may be local pointers anywhere (recursion included) or relative files; remote URLs are issues.
 */
export function loadOpenApiDocument(absPath: string, displayName: string): { operations: OperationSpec[]; issues: LoadIssue[] } {
  const issues: LoadIssue[] = [];
  const operations: OperationSpec[] = [];
  const file = displayName;
  const read = readDocumentFile(absPath);
  if ('errors' in read) {
    for (const message of read.errors) issues.push({ file, pointer: '', message });
    return { operations, issues };
  }
  const root = read.root;
  if (!isRecord(root)) {
    issues.push({ file, pointer: '', message: 'expected an OpenAPI document: a mapping with openapi, info and paths' });
    return { operations, issues };
  }
  const dialect = dialectOf(root['openapi']);
  if (dialect === undefined) {
    const found = root['swagger'] !== undefined ? 'a Swagger 2.0 document' : JSON.stringify(root['openapi'] ?? null);
    issues.push({ file, pointer: '/openapi', message: `expected an OpenAPI version "3.0.x" or "3.1.x", found ${found}` });
    return { operations, issues };
  }

  const set = createDocumentSet(absPath, displayName, root, issues);
  normalizeSchemas(set, dialect);
  const ajv = createAjv(dialect);
  for (const doc of set.documents) {
    try {
      ajv.addSchema(doc.root as object, doc.url);
    } catch (error) {
      issues.push({ file: doc.display, pointer: '', message: `cannot register the document for validation: ${(error as Error).message}` });
      return { operations, issues };
    }
  }

  const rootBases = serverBasePaths(root['servers'], '/servers', file, issues);
  const paths = root['paths'];
  if (paths === undefined) {
    // 3.1 documents may have only webhooks or components (§4.8.1); 3.0 requires paths.
    if (dialect === '3.0') issues.push({ file, pointer: '/paths', message: 'expected a paths object (required in OpenAPI 3.0)' });
    return { operations, issues };
  }
  if (!isRecord(paths)) {
    issues.push({ file, pointer: '/paths', message: 'expected a Paths Object mapping path templates to Path Items' });
    return { operations, issues };
  }

  const context: OperationContext = { set, dialect, ajv, file, rootBases, issues, operations, seenIds: new Map() };
  for (const [documentPath, item] of Object.entries(paths)) {
    loadPathItem(context, documentPath, { value: item, url: set.main.url, pointer: child('/paths', documentPath) });
  }
  return { operations, issues };
}

interface OperationContext {
  readonly set: DocumentSet;
  readonly dialect: Dialect;
  readonly ajv: AjvInstance;
  readonly file: string;
  readonly rootBases: readonly string[];
  readonly issues: LoadIssue[];
  readonly operations: OperationSpec[];
  /** operationId → pointer of its first operation, to report duplicates. */
  readonly seenIds: Map<string, string>;
}

function dialectOf(version: unknown): Dialect | undefined {
  if (typeof version !== 'string') return undefined;
  if (/^3\.0\.\d+(-.+)?$/.test(version)) return '3.0';
  if (/^3\.1\.\d+(-.+)?$/.test(version)) return '3.1';
  return undefined;
}

function loadPathItem(ctx: OperationContext, documentPath: string, at: Located): void {
  const { file, issues } = ctx;
  if (!documentPath.startsWith('/')) {
    // §4.8.8.1: "The field name MUST begin with a forward slash (/)."
    issues.push({ file, pointer: at.pointer, message: 'expected the path to begin with "/"' });
    return;
  }
  let templateNames: string[];
  try {
    templateNames = templateParamNames(documentPath);
  } catch (error) {
    issues.push({ file, pointer: at.pointer, message: (error as Error).message });
    return;
  }
  const found = ctx.set.deref(at); // 3.1 allows a $ref on a Path Item
  if ('error' in found) return;
  const item = found.value;
  if (!isRecord(item)) {
    issues.push({ file, pointer: at.pointer, message: 'expected a Path Item Object' });
    return;
  }
  const itemBases = item['servers'] === undefined ? ctx.rootBases : serverBasePaths(item['servers'], child(found.pointer, 'servers'), file, issues);
  const itemParams: Located = { value: item['parameters'], url: found.url, pointer: child(found.pointer, 'parameters') };

  for (const [key, method] of METHODS) {
    const operation = item[key];
    if (operation === undefined) continue;
    const pointer = child(found.pointer, key);
    if (!isRecord(operation)) {
      issues.push({ file, pointer, message: 'expected an Operation Object' });
      continue;
    }
    const before = issues.length;
    const operationId = operation['operationId'];
    if (typeof operationId !== 'string' || operationId === '') {
      issues.push({ file, pointer: child(pointer, 'operationId'), message: 'every operation needs an operationId: the gateway names routes by it' });
    } else {
      const first = ctx.seenIds.get(operationId);
      if (first !== undefined) {
        // §4.8.10.1: "The id MUST be unique among all operations described in the API."
        issues.push({ file, pointer: child(pointer, 'operationId'), message: `operationId "${operationId}" is already used at ${first}: it must be unique` });
      } else {
        ctx.seenIds.set(operationId, pointer);
      }
    }
    const bases = operation['servers'] === undefined ? itemBases : serverBasePaths(operation['servers'], child(pointer, 'servers'), file, issues);
    const params = compileParameters(
      {
        set: ctx.set,
        dialect: ctx.dialect,
        ajv: ctx.ajv,
        file,
        lists: [itemParams, { value: operation['parameters'], url: found.url, pointer: child(pointer, 'parameters') }],
        templateNames,
        operationPointer: pointer,
      },
      issues,
    );
    const body = compileRequestBody({ value: operation['requestBody'], url: found.url, pointer: child(pointer, 'requestBody') }, ctx.set, ctx.ajv, file, issues);
    if (issues.length > before || typeof operationId !== 'string') continue;

    const validator = createRequestValidator(params, body);
    const schemas = operationSchemas(ctx.set, ctx.dialect, found.url, pointer, operation, itemParams);
    for (const base of bases) {
      ctx.operations.push(
        Object.freeze({
          operationId,
          method,
          publicTemplate: joinTemplate(base, documentPath),
          documentTemplate: documentPath,
          documentFile: file,
          requestMediaTypes: Object.freeze(body?.mediaTypes ?? []),
          requestBodyRequired: body?.required === true,
          validator,
          schemas,
        }),
      );
    }
  }
}
