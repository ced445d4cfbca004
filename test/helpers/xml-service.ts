import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small plain-XML ("POX") service over HTTP/1.1 for the xml-step tests, on a real socket:
 * - POST /echo: records the request (body text and headers) and answers a fixed order document with attributes,
 *   namespaces, repeated and single elements, escaped text and CDATA;
 * - GET /stock/{sku}: `<stock sku=".." warehouse=".."><level>..</level></stock>`, or a 404 XML error for "NONE";
 * - GET /hostile/{kind}: a DOCTYPE with an external entity (xxe), an HTML error page (html), plain text (text),
 *   JSON (json), 150 nested elements (deep), or an XML over 1 MiB (huge);
 * - GET /slow?ms=N: the order document after N ms.
 */
export interface XmlService {
  readonly url: string;
  /** The requests POST /echo received, oldest first. */
  readonly received: { readonly body: string; readonly headers: http.IncomingHttpHeaders }[];
  /** GET /slow exchanges the client (the gateway) gave up on before the answer. */
  readonly cancelled: () => number;
  close(): Promise<void>;
}

export const ORDER_XML =
  '<?xml version="1.0" encoding="UTF-8"?>' +
  '<o:order xmlns:o="urn:example:pox" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="A-1" priority="2">' +
  '<o:customer vip="true">Ada &amp; Co &lt;Ltd&gt;</o:customer>' +
  '<o:line no="1"><o:sku>W-1</o:sku><o:qty>2</o:qty><o:price currency="EUR">19.90</o:price></o:line>' +
  '<o:line no="2"><o:sku>G-2</o:sku><o:qty>1</o:qty><o:price currency="EUR">5</o:price></o:line>' +
  '<o:tag>rush</o:tag>' +
  '<o:note><![CDATA[fragile: <glass> & "china"]]></o:note>' +
  '<o:coupon xsi:nil="true"/>' +
  '<o:empty/>' +
  '</o:order>';

const HOSTILE: Record<string, { type: string; body: () => string }> = {
  xxe: {
    type: 'application/xml',
    body: () => '<?xml version="1.0"?><!DOCTYPE order [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><order><customer>&xxe;</customer></order>',
  },
  html: { type: 'text/html', body: () => '<!DOCTYPE html><html><body><h1>500 Internal Server Error</h1></body></html>' },
  text: { type: 'application/xml', body: () => 'Service under maintenance until 6 pm.' },
  json: { type: 'application/json', body: () => '{"order":{"id":"A-1"}}' },
  deep: { type: 'application/xml', body: () => '<a>'.repeat(150) + '</a>'.repeat(150) },
  huge: { type: 'application/xml', body: () => `<list>${'<item>xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx</item>'.repeat(15_000)}</list>` },
};

export async function startXmlService(): Promise<XmlService> {
  const received: { body: string; headers: http.IncomingHttpHeaders }[] = [];
  let cancelled = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const send = (status: number, type: string, body: string): void => {
        res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
        res.end(body);
      };
      if (req.method === 'POST' && url.pathname === '/echo') {
        received.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
        send(200, 'application/xml; charset=utf-8', ORDER_XML);
        return;
      }
      const stock = /^\/stock\/([^/]+)$/.exec(url.pathname);
      if (req.method === 'GET' && stock !== null) {
        const sku = decodeURIComponent(stock[1] as string);
        if (sku === 'NONE') send(404, 'application/xml', '<error><code>NOT_FOUND</code></error>');
        else send(200, 'text/xml', `<stock sku="${sku}" warehouse="north"><level>7</level></stock>`);
        return;
      }
      const hostile = /^\/hostile\/([a-z]+)$/.exec(url.pathname);
      if (hostile !== null && HOSTILE[hostile[1] as string] !== undefined) {
        const { type, body } = HOSTILE[hostile[1] as string] as { type: string; body: () => string };
        send(200, type, body());
        return;
      }
      if (url.pathname === '/slow') {
        const timer = setTimeout(() => send(200, 'application/xml', ORDER_XML), Number(url.searchParams.get('ms') ?? '1000'));
        res.on('close', () => {
          if (!res.writableEnded) cancelled++;
          clearTimeout(timer);
        });
        return;
      }
      send(404, 'text/plain', 'not found');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    cancelled: () => cancelled,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
