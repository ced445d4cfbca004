import type { WsdlModel } from '../model.js';
import { collectDocuments, type DocumentGraph, type ReadOutcome } from './document-graph.js';
import { freezeGraph } from './freeze-graph.js';
import { displayLocation, sourceLocation, type DocumentLocation } from './locations.js';
import { ReadError, readDocument, readDocumentSync, type ReadDocument, type ReadLimits } from './read-source.js';
import { SchemaCompiler } from './schema-compiler.js';
import { SchemaIndex } from './schema-index.js';
import { buildServices } from './services.js';
import { IssueList, WsdlError } from './wsdl-error.js';
import { WsdlIndex } from './wsdl-index.js';

/** Options of {@link importWsdl}. */
export interface ImportWsdlOptions {
  /** A relative source path is resolved against it, and messages name files relative to it. */
  readonly baseDir: string;
  /**
   * Whether http(s) documents may be fetched: the source itself and any wsdl:import / xs:import / xs:include.
   * Off by default, so that a local WSDL never makes the gateway reach out at start-up unless told to.
   */
  readonly allowFetch?: boolean;
  /** The largest document read or fetched, in bytes (default 8 MiB). */
  readonly maxBytes?: number;
  /** How long one fetch may take, headers and body (default 10 s). */
  readonly timeoutMs?: number;
  /** The most documents one import may read, WSDLs and schemas together (default 200). */
  readonly maxDocuments?: number;
  readonly signal?: AbortSignal;
}

export const IMPORT_WSDL_DEFAULTS = { maxBytes: 8 * 1024 * 1024, timeoutMs: 10_000, maxDocuments: 200 } as const;

/**
 * Reads a WSDL 1.1 document (a path relative to `baseDir`, or an http(s) URL when `allowFetch`), everything it
 * imports and includes, and returns the frozen model of its SOAP services. Throws a {@link WsdlError} listing every
 * problem found: unreadable or malformed documents, DTDs, dangling references, unsupported constructs.
 */
export async function importWsdl(source: string, options: ImportWsdlOptions): Promise<WsdlModel> {
  const { location, limits, display } = prepare(source, options);
  const issues = new IssueList();
  const walk = collectDocuments(location, { baseDir: options.baseDir, maxDocuments: limits.maxDocuments }, issues);
  let step = walk.next();
  while (step.done !== true) {
    options.signal?.throwIfAborted();
    const outcome = await readOutcome(() => readDocument(step.value as DocumentLocation, limits));
    step = walk.next(outcome);
  }
  return buildModel(step.value, issues, display);
}

/** {@link importWsdl} for files only, for loaders that are synchronous; a URL anywhere is reported as an issue. */
export function importWsdlSync(source: string, options: ImportWsdlOptions): WsdlModel {
  const { location, limits, display } = prepare(source, options);
  const issues = new IssueList();
  const walk = collectDocuments(location, { baseDir: options.baseDir, maxDocuments: limits.maxDocuments }, issues);
  let step = walk.next();
  while (step.done !== true) {
    const requested = step.value;
    step = walk.next(readOutcomeSync(() => readDocumentSync(requested, limits)));
  }
  return buildModel(step.value, issues, display);
}

function buildModel(graph: DocumentGraph, issues: IssueList, display: string): WsdlModel {
  // A document that could not be read would only cause a cascade of "unknown type" reports: stop at the cause.
  if (issues.size > 0) throw new WsdlError(display, issues.all);
  const [root] = graph.wsdls;
  if (root === undefined) throw new WsdlError(display, [{ file: display, message: 'no WSDL document was read' }]);
  const schemas = new SchemaCompiler(new SchemaIndex(graph.schemas, issues), issues, graph.locationlessImports);
  schemas.compileAll();
  const services = buildServices(new WsdlIndex(graph.wsdls, issues), schemas);
  schemas.drain();
  if (services.length === 0 && issues.size === 0) {
    issues.add({ file: root.root.source.display, line: root.root.line, message: 'no service has a SOAP 1.1 or SOAP 1.2 port' });
  }
  if (issues.size > 0) throw new WsdlError(display, issues.all);
  return freezeGraph({ source: display, targetNamespace: root.targetNamespace, services, types: schemas.namedTypes() });
}

function prepare(source: string, options: ImportWsdlOptions): { location: DocumentLocation; limits: ReadLimits & { maxDocuments: number }; display: string } {
  const limits = {
    allowFetch: options.allowFetch === true,
    maxBytes: positive(options.maxBytes, 'maxBytes') ?? IMPORT_WSDL_DEFAULTS.maxBytes,
    timeoutMs: positive(options.timeoutMs, 'timeoutMs') ?? IMPORT_WSDL_DEFAULTS.timeoutMs,
    maxDocuments: positive(options.maxDocuments, 'maxDocuments') ?? IMPORT_WSDL_DEFAULTS.maxDocuments,
    signal: options.signal,
  };
  const location = sourceLocation(source, options.baseDir);
  if ('error' in location) throw new WsdlError(source, [{ file: source, message: location.error }]);
  return { location, limits, display: displayLocation(location, options.baseDir) };
}

function positive(value: number | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value <= 0) throw new TypeError(`importWsdl: ${name} must be a positive integer, got ${value}`);
  return value;
}

async function readOutcome(read: () => Promise<ReadDocument>): Promise<ReadOutcome> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof ReadError) return { error: error.message };
    throw error;
  }
}

function readOutcomeSync(read: () => ReadDocument): ReadOutcome {
  try {
    return read();
  } catch (error) {
    if (error instanceof ReadError) return { error: error.message };
    throw error;
  }
}
