import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/app.js';
import { json, request1 } from '../helpers/clients.js';
import { startGateway, writeRouteFiles } from '../helpers/start-gateway.js';
import { startXmlService, type XmlService } from '../helpers/xml-service.js';

/**
 * Plain-XML ("POX") mapping steps through the gateway against a real XML-over-HTTP service on port 0: the XML the
 * gateway writes from the body template (exact bytes), the JSON it reads back (exact values), and hostile answers.
 */

const dir = mkdtempSync(path.join(tmpdir(), 'protogate-xml-steps-'));
const OPEN = '{ description: ok, content: { application/json: { schema: { type: object } } } }';

const api = [
  'openapi: 3.1.0',
  'info: { title: xml steps, version: "1" }',
  'paths:',
  '  /t/orders:',
  '    post:',
  '      operationId: placeOrder',
  '      requestBody:',
  '        required: true',
  '        content:',
  '          application/json:',
  '            schema:',
  '              type: object',
  '              required: [customer, vip, lines]',
  '              properties:',
  '                customer: { type: string }',
  '                vip: { type: boolean }',
  '                note: { type: string }',
  '                lines: { type: array, items: { type: object, required: [sku, qty], properties: { sku: { type: string }, qty: { type: integer } } } }',
  `      responses: { '200': ${OPEN} }`,
  '  /t/raw:',
  '    post:',
  '      operationId: rawOrder',
  '      requestBody: { required: true, content: { application/json: { schema: { type: object, properties: { text: { type: string } } } } } }',
  `      responses: { '200': ${OPEN} }`,
  ...[
    ['/t/stock/{sku}', 'stock', 'sku'],
    ['/t/hostile/{kind}', 'hostile', 'kind'],
    ['/t/slow/{ms}', 'slow', 'ms'],
    ['/t/wait/{ms}', 'wait', 'ms'],
  ].flatMap(([route, operationId, param]) => [
    `  ${route}:`,
    '    get:',
    `      operationId: ${operationId}`,
    `      parameters: [{ name: ${param}, in: path, required: true, schema: { type: string } }]`,
    `      responses: { '200': ${OPEN} }`,
  ]),
].join('\n');

const ORDER_SCHEMA = [
  '      schema:',
  '        type: object',
  '        required: ["@id", customer, line]',
  '        properties:',
  '          "@id": { type: string }',
  '          "@priority": { type: integer }',
  '          customer: { type: object, properties: { "@vip": { type: boolean }, "#text": { type: string } } }',
  '          line:',
  '            type: array',
  '            items:',
  '              type: object',
  '              properties:',
  '                "@no": { type: integer }',
  '                sku: { type: string }',
  '                qty: { type: integer }',
  '                price: { type: object, properties: { "@currency": { type: string }, "#text": { type: number } } }',
  '          tag: { type: array, items: { type: string } }',
  '          note: { type: string }',
  '          coupon: { type: [string, "null"] }',
  '          empty: { type: object }',
];

const mappings: Record<string, string[]> = {
  wait: [
    'operationId: wait',
    'steps:',
    '  order:',
    '    upstream: pox',
    '    xml: { method: GET, path: /slow }',
    '    query: { ms: "=path.ms" }',
    'response:',
    '  body: { id: "=steps.order[\\"@id\\"]" }',
  ],
  placeOrder: [
    'operationId: placeOrder',
    'steps:',
    '  echo:',
    '    upstream: pox',
    '    xml: { method: POST, path: /echo }',
    '    headers: { x-channel: web }',
    '    body:',
    '      p:order:',
    '        "@xmlns:p": urn:example:pox',
    '        "@channel": web & mobile',
    '        p:customer: { "@vip": "=body.vip", "#text": "=body.customer" }',
    '        p:line: "=map(body.lines, { \\"@no\\": it.qty, sku: it.sku, qty: it.qty })"',
    '        p:note: "=body.note"',
    '        p:gift: null',
    '    response:',
    ...ORDER_SCHEMA,
    'response:',
    '  body:',
    '    order: "=steps.echo"',
    '    total: "=sum(map(steps.echo.line, multiply(it.qty, it.price[\\"#text\\"])))"',
    '    vip: "=steps.echo.customer[\\"@vip\\"]"',
  ],
  rawOrder: [
    'operationId: rawOrder',
    'steps:',
    '  echo:',
    '    upstream: pox',
    '    xml: { method: POST, path: /echo }',
    '    body:',
    '      order:',
    '        note: "=body.text"',
    '    response: { arrays: [line, tag] }',
    'response:',
    '  body: "=steps.echo"',
  ],
  stock: [
    'operationId: stock',
    'steps:',
    '  stock:',
    '    upstream: pox',
    '    xml: { method: GET, path: "/stock/{sku}" }',
    '    path: { sku: "=path.sku" }',
    '    statuses:',
    '      "404": { body: { "@sku": "=path.sku", level: "0" } }',
    'response:',
    '  body: { sku: "=steps.stock[\\"@sku\\"]", level: "=steps.stock.level", warehouse: "=steps.stock[\\"@warehouse\\"] ?? null" }',
  ],
  hostile: [
    'operationId: hostile',
    'steps:',
    '  answer:',
    '    upstream: pox',
    '    xml: { method: GET, path: "/hostile/{kind}" }',
    '    path: { kind: "=path.kind" }',
    'response:',
    '  body: { answer: "=steps.answer" }',
  ],
  slow: [
    'operationId: slow',
    'steps:',
    '  order:',
    '    upstream: pox',
    '    xml: { method: GET, path: /slow }',
    '    query: { ms: "=path.ms" }',
    '    timeoutMs: 150',
    '  stock:',
    '    upstream: pox',
    '    xml: { method: GET, path: /stock/W-1 }',
    '    required: false',
    'response:',
    '  body: { id: "=steps.order[\\"@id\\"]", level: "=steps.stock.level" }',
  ],
};

let gateway: Gateway;
let base: string;
let pox: XmlService;

beforeAll(async () => {
  pox = await startXmlService();
  const files = writeRouteFiles(dir, api, mappings);
  ({ gateway, http1: base } = await startGateway({
    listeners: [{ name: 'plain', protocol: 'http1', port: 0 }],
    openapi: [{ file: files.api }],
    mappings: files.mappings,
    upstreams: { pox: { protocol: 'http1', targets: [pox.url], timeouts: { connectMs: 500, requestMs: 2000 } } },
  }));
});

afterAll(async () => {
  await gateway.close(500);
  await pox.close();
});

const post = (route: string, body: unknown) =>
  request1(`${base}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('an xml step: the body template is written as XML, the XML answer is read as JSON', () => {
  it('writes attributes, repeated elements, escaped text and declared prefixes, in template order', async () => {
    const res = await post('/t/orders', { customer: 'Ada & Co <Ltd> "quoted"', vip: true, note: 'line1\r\nline2 ]]>', lines: [{ sku: 'W-1', qty: 2 }, { sku: 'G-2', qty: 1 }] });
    expect(res.status).toBe(200);
    const sent = pox.received.at(-1);
    expect(sent?.body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>' +
        '<p:order xmlns:p="urn:example:pox" channel="web &amp; mobile">' +
        '<p:customer vip="true">Ada &amp; Co &lt;Ltd&gt; "quoted"</p:customer>' +
        '<p:line no="2"><sku>W-1</sku><qty>2</qty></p:line>' +
        '<p:line no="1"><sku>G-2</sku><qty>1</qty></p:line>' +
        '<p:note>line1&#xD;\nline2 ]]&gt;</p:note>' +
        '<p:gift/>' +
        '</p:order>',
    );
    expect(sent?.headers['content-type']).toBe('application/xml; charset=utf-8');
    expect(sent?.headers.accept).toBe('application/xml, text/xml');
    expect(sent?.headers['x-channel']).toBe('web');
  });

  it('reads the answer by the declared schema: numbers and booleans converted, arrays, @attributes, #text, nil', async () => {
    const res = await post('/t/orders', { customer: 'Ada', vip: false, lines: [{ sku: 'W-1', qty: 2 }] });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(json(res)).toEqual({
      order: {
        '@id': 'A-1',
        '@priority': 2,
        customer: { '@vip': true, '#text': 'Ada & Co <Ltd>' },
        line: [
          { '@no': 1, sku: 'W-1', qty: 2, price: { '@currency': 'EUR', '#text': 19.9 } },
          { '@no': 2, sku: 'G-2', qty: 1, price: { '@currency': 'EUR', '#text': 5 } },
        ],
        tag: ['rush'],
        note: 'fragile: <glass> & "china"',
        coupon: null,
        empty: {},
      },
      total: 44.8,
      vip: true,
    });
    // A missing field leaves its element out: no <p:note> this time.
    expect(pox.received.at(-1)?.body).not.toContain('note');
  });

  it('without a schema every value is text; `response.arrays` keeps one-item and absent lists arrays', async () => {
    const res = await post('/t/raw', { text: 'hi' });
    expect(res.status).toBe(200);
    expect(json(res)).toEqual({
      '@id': 'A-1',
      '@priority': '2',
      customer: { '@vip': 'true', '#text': 'Ada & Co <Ltd>' },
      line: [
        { '@no': '1', sku: 'W-1', qty: '2', price: { '@currency': 'EUR', '#text': '19.90' } },
        { '@no': '2', sku: 'G-2', qty: '1', price: { '@currency': 'EUR', '#text': '5' } },
      ],
      tag: ['rush'],
      note: 'fragile: <glass> & "china"',
      coupon: null,
      empty: '',
    });
    expect(pox.received.at(-1)?.body).toBe('<?xml version="1.0" encoding="UTF-8"?><order><note>hi</note></order>');
  });

  it('a GET with a path placeholder; a 404 listed in statuses is a success with the replacement', async () => {
    expect(json(await request1(`${base}/t/stock/W-1`))).toEqual({ sku: 'W-1', level: '7', warehouse: 'north' });
    const none = await request1(`${base}/t/stock/NONE`);
    expect(none.status).toBe(200);
    expect(json(none)).toEqual({ sku: 'NONE', level: '0', warehouse: null });
  });

  it('a value XML cannot carry is a mapping fault naming the file, line and expression; nothing is sent', async () => {
    const before = pox.received.length;
    const res = await post('/t/raw', { text: 'bell \u0007' });
    expect(res.status).toBe(502);
    expect(json(res)).toMatchObject({
      type: 'urn:protogate:problem:mapping-failed',
      detail: `mapping ${path.join(dir, 'rawOrder.yaml')} line 8: \`body.text\` does not fit the XML body of step "echo" at /order/note: the text has a character XML 1.0 cannot carry (a control character or a lone surrogate).`,
    });
    expect(pox.received.length).toBe(before);
  });
});

describe('an xml step: hostile or non-XML answers are 502 problems naming the step', () => {
  const cases: [string, string][] = [
    ['xxe', 'step "answer" (upstream "pox") answered HTTP 200 with XML with a DOCTYPE, which is refused (no DTD processing)'],
    ['html', 'step "answer" (upstream "pox") answered HTTP 200 with an HTML page, not XML'],
    ['deep', 'step "answer" (upstream "pox") answered HTTP 200 with a response over the configured limit: the XML document nests elements deeper than 100 levels'],
  ];
  it.each(cases)('%s', async (kind, detail) => {
    const res = await request1(`${base}/t/hostile/${kind}`);
    expect(res.status).toBe(502);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(json(res)).toMatchObject({ type: 'urn:protogate:problem:upstream-bad-response', status: 502, detail });
  });

  it('plain text and JSON are not well-formed XML', async () => {
    for (const [kind, media] of [['text', 'application/xml'], ['json', 'application/json']] as const) {
      const res = await request1(`${base}/t/hostile/${kind}`);
      expect(res.status).toBe(502);
      expect(String(json(res).detail)).toMatch(new RegExp(`^step "answer" \\(upstream "pox"\\) answered HTTP 200 with a ${media.replace('/', '\\/')} body that is not well-formed XML \\(`));
    }
  });

  it('an answer over the size limit', async () => {
    const res = await request1(`${base}/t/hostile/huge`);
    expect(res.status).toBe(502);
    expect(json(res).type).toBe('urn:protogate:problem:upstream-bad-response');
  });

  it('a step past its timeout is a 504 naming it; an optional sibling does not delay the answer', async () => {
    const res = await request1(`${base}/t/slow/2000`);
    expect(res.status).toBe(504);
    expect(json(res)).toMatchObject({ type: 'urn:protogate:problem:upstream-timeout', detail: 'step "order" (upstream "pox") timed out after 150 ms' });
    expect(json(await request1(`${base}/t/slow/1`))).toEqual({ id: 'A-1', level: '7' });
  });

  it('the client going away cancels the exchange with the upstream', async () => {
    await new Promise((resolve) => setTimeout(resolve, 50)); // earlier tests' cancellations have landed
    const before = pox.cancelled();
    const req = http.get(`${base}/t/wait/3000`, { agent: false });
    req.on('error', () => {});
    await new Promise((resolve) => setTimeout(resolve, 150));
    req.destroy();
    const deadline = Date.now() + 2000;
    while (pox.cancelled() === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(pox.cancelled()).toBe(before + 1);
  });
});
