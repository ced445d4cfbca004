import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatWsdlIssue, importWsdl, importWsdlSync, WsdlError } from '../../src/soap/wsdl/index.js';

const fixtures = fileURLToPath(new URL('../fixtures/wsdl/', import.meta.url));
const served = path.join(fixtures, 'imports');

const EVIL = `<?xml version="1.0"?>
<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:evil">
  <wsdl:types>
    <xs:schema targetNamespace="urn:evil">
      <xs:import namespace="urn:secret" schemaLocation="file:///etc/passwd"/>
      <xs:import namespace="urn:gone" schemaLocation="gone.xsd"/>
    </xs:schema>
  </wsdl:types>
</wsdl:definitions>`;

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname === '/slow.wsdl') return; // never answers: the import's timeout must fire
    if (url.pathname === '/big.wsdl') {
      // Chunked, no Content-Length: the limit must be enforced while reading.
      response.writeHead(200, { 'content-type': 'text/xml' });
      response.write(`<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/">${' '.repeat(4096)}`);
      response.end(`${' '.repeat(4096)}</wsdl:definitions>`);
      return;
    }
    if (url.pathname === '/evil.wsdl') {
      response.writeHead(200, { 'content-type': 'text/xml' }).end(EVIL);
      return;
    }
    if (url.pathname.startsWith('/moved/')) {
      response.writeHead(302, { location: url.pathname.slice('/moved'.length) }).end();
      return;
    }
    const file = path.join(served, path.normalize(decodeURIComponent(url.pathname)));
    readFile(file).then(
      (body) => response.writeHead(200, { 'content-type': 'text/xml' }).end(body),
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function fetchIssues(source: string, options: { timeoutMs?: number; maxBytes?: number; allowFetch?: boolean } = {}): Promise<string[]> {
  try {
    await importWsdl(source, { baseDir: fixtures, allowFetch: true, ...options });
  } catch (error) {
    if (error instanceof WsdlError) return error.issues.map(formatWsdlIssue);
    throw error;
  }
  return [];
}

describe('importWsdl over HTTP', () => {
  it('fetches a WSDL and resolves every import and include against the URL of the document that makes it', async () => {
    const fetched = await importWsdl(`${base}/main.wsdl`, { baseDir: fixtures, allowFetch: true });
    const local = importWsdlSync('imports/main.wsdl', { baseDir: fixtures });
    expect(fetched.source).toBe(`${base}/main.wsdl`);
    expect(fetched.services).toEqual(local.services);
    expect(fetched.types).toEqual(local.types);
  });

  it('resolves relative locations against the final URL after a redirect', async () => {
    const fetched = await importWsdl(`${base}/moved/main.wsdl`, { baseDir: fixtures, allowFetch: true });
    expect(fetched.services[0]?.ports[0]?.operations.map((operation) => operation.name)).toEqual(['PlaceOrder']);
  });

  it('does not fetch unless allowed', async () => {
    expect(await fetchIssues(`${base}/main.wsdl`, { allowFetch: false })).toEqual([
      `${base}/main.wsdl: fetching http(s) documents is not enabled (allowFetch)`,
    ]);
  });

  it('gives up after timeoutMs', async () => {
    expect(await fetchIssues(`${base}/slow.wsdl`, { timeoutMs: 200 })).toEqual([`${base}/slow.wsdl: no complete response within 200 ms`]);
  });

  it('stops reading at maxBytes even without a Content-Length', async () => {
    expect(await fetchIssues(`${base}/big.wsdl`, { maxBytes: 5000 })).toEqual([`${base}/big.wsdl: larger than the limit of 5000 bytes`]);
  });

  it('never lets a fetched document read a local file, and reports a missing import with its status', async () => {
    expect(await fetchIssues(`${base}/evil.wsdl`)).toEqual([
      `${base}/evil.wsdl:5: import: a fetched document may only refer to http(s) documents, not "file:///etc/passwd"`,
      `${base}/evil.wsdl:6: cannot read "${base}/gone.xsd": HTTP 404`,
    ]);
  });

  it('reports a refused connection', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await fetchIssues(`http://127.0.0.1:${port}/x.wsdl`)).toEqual([`http://127.0.0.1:${port}/x.wsdl: ECONNREFUSED`]);
  });
});
