import { readFileSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { DocumentLocation } from './locations.js';

/** Limits on reading one document. */
export interface ReadLimits {
  readonly allowFetch: boolean;
  readonly maxBytes: number;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
}

/** A document's bytes and the URL they were finally served from (after redirects), which relative references use. */
export interface ReadDocument {
  readonly bytes: Uint8Array;
  readonly finalKey: string;
}

/** Thrown with a message fit for "cannot read X: <message>". */
export class ReadError extends Error {}

export async function readDocument(location: DocumentLocation, limits: ReadLimits): Promise<ReadDocument> {
  if (location.isUrl) return fetchDocument(location.key, limits);
  let size: number;
  try {
    size = (await stat(location.key)).size;
  } catch (error) {
    throw new ReadError(fileErrorMessage(error));
  }
  if (size > limits.maxBytes) throw new ReadError(tooLarge(size, limits.maxBytes));
  try {
    return { bytes: await readFile(location.key, { signal: limits.signal }), finalKey: location.key };
  } catch (error) {
    throw new ReadError(fileErrorMessage(error));
  }
}

/** The synchronous variant reads files only: fetching is asynchronous by nature. */
export function readDocumentSync(location: DocumentLocation, limits: ReadLimits): ReadDocument {
  if (location.isUrl) throw new ReadError('fetching a URL needs the asynchronous importWsdl');
  try {
    const size = statSync(location.key).size;
    if (size > limits.maxBytes) throw new ReadError(tooLarge(size, limits.maxBytes));
    return { bytes: readFileSync(location.key), finalKey: location.key };
  } catch (error) {
    if (error instanceof ReadError) throw error;
    throw new ReadError(fileErrorMessage(error));
  }
}

async function fetchDocument(url: string, limits: ReadLimits): Promise<ReadDocument> {
  if (!limits.allowFetch) throw new ReadError('fetching http(s) documents is not enabled (allowFetch)');
  const timeout = AbortSignal.timeout(limits.timeoutMs);
  const signal = limits.signal === undefined ? timeout : AbortSignal.any([limits.signal, timeout]);
  try {
    const response = await fetch(url, { signal, redirect: 'follow', headers: { accept: 'application/wsdl+xml, application/xml, text/xml, */*' } });
    if (!response.ok) {
      await response.body?.cancel();
      throw new ReadError(`HTTP ${response.status}`);
    }
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (declared > limits.maxBytes) {
      await response.body?.cancel();
      throw new ReadError(tooLarge(declared, limits.maxBytes));
    }
    return { bytes: await readLimited(response, limits.maxBytes), finalKey: response.url === '' ? url : response.url };
  } catch (error) {
    if (error instanceof ReadError) throw error;
    if (timeout.aborted) throw new ReadError(`no complete response within ${limits.timeoutMs} ms`);
    if (limits.signal?.aborted === true) throw new ReadError('the import was aborted');
    throw new ReadError(networkErrorMessage(error));
  }
}

/** Counts while reading, since a server may omit or understate Content-Length. */
async function readLimited(response: Response, maxBytes: number): Promise<Uint8Array> {
  if (response.body === null) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new ReadError(`larger than the limit of ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

function tooLarge(size: number, maxBytes: number): string {
  return `${size} bytes is larger than the limit of ${maxBytes} bytes`;
}

function fileErrorMessage(error: unknown): string {
  const code = error !== null && typeof error === 'object' && 'code' in error ? String(error.code) : '';
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'EACCES') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}

function networkErrorMessage(error: unknown): string {
  // undici reports "fetch failed" and puts the useful part (ECONNREFUSED, ENOTFOUND) in `cause`.
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
  const code = cause !== undefined && 'code' in cause ? String(cause.code) : undefined;
  if (code !== undefined) return code;
  return cause?.message ?? (error instanceof Error ? error.message : String(error));
}
