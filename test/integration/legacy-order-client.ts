import http, { type IncomingHttpHeaders } from 'node:http';

/** One HTTP/1.1 exchange with the legacy order service, on a fresh connection, with the body as raw bytes. */
export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface RawRequest {
  readonly method?: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
}

/** Sends `request` to `base` and reads the whole response (no keep-alive, no decoding, exact bytes). */
export function send(base: string, request: RawRequest): Promise<RawResponse> {
  const body = typeof request.body === 'string' ? Buffer.from(request.body) : (request.body ?? Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const req = http.request(
      new URL(request.path, base),
      {
        method: request.method ?? 'POST',
        agent: false,
        headers: { ...request.headers, ...(body.length > 0 || request.method !== 'GET' ? { 'content-length': String(body.length) } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.once('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.once('error', reject);
      },
    );
    req.once('error', reject);
    req.end(body);
  });
}

export const SOAP11_HEADERS = (operation: string): Record<string, string> => ({
  'content-type': 'text/xml; charset=utf-8',
  soapaction: `"urn:acme:orders:v1/${operation}"`,
});

/** A SOAP 1.1 envelope around `payload`, SoapUI-style prefixes. */
export function soap11(payload: string): string {
  return (
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:acme:orders:v1">' +
    `<soapenv:Body>${payload}</soapenv:Body></soapenv:Envelope>`
  );
}
