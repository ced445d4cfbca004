import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_WSDL, parse, startSoapGateway, type SoapGateway } from './soap-gateway-harness.js';

/**
 * What broken and hostile legacy servers send, through the gateway: the fixture's misbehaviour switches, selected
 * by the upstream path (`/fixture/<mode>/<port path>`), each published as its own service.
 */
let soap: SoapGateway;

const broken = (mode: string, extra: Record<string, unknown> = {}, port = 'OrderServiceSoap11Port', portPath = '/orders') => ({
  wsdl: ORDER_WSDL,
  upstream: 'orders',
  port,
  path: `/fixture/${mode}${portPath}`,
  basePath: `/broken/${mode}${port === 'OrderServiceSoap11Port' ? '' : '12'}`,
  ...extra,
});

beforeAll(async () => {
  soap = await startSoapGateway(
    {
      html: broken('html-error'),
      notXml: broken('not-xml'),
      xxe: broken('xxe'),
      xxe12: broken('xxe', {}, 'OrderServiceSoap12Port', '/orders/soap12'),
      laughs: broken('billion-laughs'),
      deep: broken('deep-nesting'),
      huge: broken('huge', { limits: { maxResponseBytes: 1024 * 1024 } }),
      hugeDefault: broken('huge', { basePath: '/broken/huge-default' }),
      slow: broken('slow', { path: '/fixture/slow/orders?delayMs=2000', timeoutMs: 300 }),
      slowBody: broken('slow-body', { path: '/fixture/slow-body/orders?delayMs=2000', timeoutMs: 300 }),
      slowOk: broken('slow', { path: '/fixture/slow/orders?delayMs=100', basePath: '/broken/slow-ok', timeoutMs: 2000 }),
      reset: broken('connection-reset'),
      elements: { wsdl: ORDER_WSDL, upstream: 'orders', port: 'OrderServiceSoap11Port', basePath: '/few-elements', limits: { maxElements: 20 } },
      nowhere: { wsdl: ORDER_WSDL, upstream: 'closed', port: 'OrderServiceSoap11Port', basePath: '/nowhere' },
    },
    { upstreams: { closed: { protocol: 'http1', targets: ['http://127.0.0.1:1'] } } },
  );
}, 30_000);
afterAll(async () => soap.close());

const problem = (body: string): Record<string, unknown> => {
  const { instance: _instance, ...rest } = JSON.parse(body) as Record<string, unknown>;
  return rest;
};
const badResponse = (detail: string, upstreamStatus: number) => ({
  type: 'urn:protogate:problem:upstream-bad-response',
  title: 'Bad upstream response',
  status: 502,
  detail,
  upstreamStatus,
});
const unavailable = (detail: string) => ({ type: 'urn:protogate:problem:upstream-unavailable', title: 'Upstream unavailable', status: 502, detail });

describe('answers that are not SOAP', () => {
  it('a Tomcat HTML error page (500) → 502, and no stack trace reaches the client', async () => {
    const res = await soap.post('/broken/html-error/GetOrder', { orderId: 'ORD-1001' });
    expect(res.status).toBe(502);
    expect(problem(res.body)).toEqual(badResponse('The SOAP upstream answered HTTP 500 with an HTML page, not a SOAP envelope.', 500));
    expect(res.body).not.toContain('NullPointerException');
  });

  it('a 200 whose XML Content-Type carries plain text → 502', async () => {
    const res = await soap.post('/broken/not-xml/GetOrder', { orderId: 'ORD-1001' });
    expect(res.status).toBe(502);
    expect(problem(res.body)).toMatchObject({ type: 'urn:protogate:problem:upstream-bad-response', upstreamStatus: 200 });
    expect((parse(res) as { detail: string }).detail).toMatch(/^The SOAP upstream answered HTTP 200 with a text\/xml body that is not well-formed XML \(.+\)\.$/);
  });
});

describe('hostile XML is refused, never expanded', () => {
  it('XXE: a DOCTYPE with an external entity → 502 naming the refusal (1.1 and 1.2)', async () => {
    const detail = 'The SOAP upstream answered HTTP 200 with XML with a DOCTYPE, which is refused (no DTD processing).';
    const v11 = await soap.post('/broken/xxe/GetOrder', { orderId: 'ORD-1001' });
    expect(v11.status).toBe(502);
    expect(problem(v11.body)).toEqual(badResponse(detail, 200));
    expect(v11.body).not.toContain('root:');
    const v12 = await soap.post('/broken/xxe12/GetOrder', { orderId: 'ORD-1001' });
    expect(problem(v12.body)).toEqual(badResponse(detail, 200));
  });

  it('billion laughs: refused at the DOCTYPE, in bounded time', async () => {
    const started = performance.now();
    const res = await soap.post('/broken/billion-laughs/GetOrder', { orderId: 'ORD-1001' });
    expect(res.status).toBe(502);
    expect(problem(res.body)).toEqual(badResponse('The SOAP upstream answered HTTP 200 with XML with a DOCTYPE, which is refused (no DTD processing).', 200));
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('10,000 nested elements → 502 naming the depth limit', async () => {
    const res = await soap.post('/broken/deep-nesting/GetOrder', { orderId: 'ORD-1001' });
    expect(res.status).toBe(502);
    expect(problem(res.body)).toEqual(badResponse('The SOAP upstream answered HTTP 200 with a response over the configured limit: the XML document nests elements deeper than 100 levels.', 200));
  });

  it('maxElements: a normal answer with more elements than configured → 502 naming the limit', async () => {
    const res = await soap.post('/few-elements/GetOrder', { orderId: 'ORD-1001' });
    expect(res.status).toBe(502);
    expect(problem(res.body)).toEqual(badResponse('The SOAP upstream answered HTTP 200 with a response over the configured limit: the XML document has more than 20 elements.', 200));
  });

  it('a 100 MiB answer stops at maxResponseBytes: 502 in bounded time and memory', async () => {
    const heapBefore = process.memoryUsage().heapUsed;
    const started = performance.now();
    const res = await soap.post('/broken/huge/ListOrders', {});
    expect(res.status).toBe(502);
    expect(problem(res.body)).toEqual({
      type: 'urn:protogate:problem:upstream-bad-response',
      title: 'Bad upstream response',
      status: 502,
      detail: 'upstream "orders" sent a response larger than 1048576 bytes',
    });
    expect(performance.now() - started).toBeLessThan(3000);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(32 * 1024 * 1024);
  });

  it('the default limit is 10 MiB', async () => {
    const res = await soap.post('/broken/huge-default/ListOrders', {});
    expect(res.status).toBe(502);
    expect((parse(res) as { detail: string }).detail).toBe('upstream "orders" sent a response larger than 10485760 bytes');
  });
});

describe('slow, reset and unreachable upstreams', () => {
  it('no answer within the timeout → 504', async () => {
    const started = performance.now();
    const res = await soap.post('/broken/slow/GetOrder', { orderId: 'ORD-1001' });
    expect(res.status).toBe(504);
    expect(problem(res.body)).toEqual({
      type: 'urn:protogate:problem:upstream-timeout',
      title: 'Upstream timeout',
      status: 504,
      detail: expect.stringMatching(/^upstream "orders" did not answer within \d+ ms$/),
    });
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it('half an answer, then nothing until the timeout → 504 (the whole exchange is bounded)', async () => {
    const res = await soap.post('/broken/slow-body/GetOrder', { orderId: 'ORD-1001' });
    expect(res.status).toBe(504);
  });

  it('a slow answer within the timeout is fine', async () => {
    const res = await soap.post('/broken/slow-ok/GetOrder', { orderId: 'ORD-1002' });
    expect(res.status).toBe(200);
    expect(parse(res)).toMatchObject({ order: { id: 'ORD-1002' } });
  });

  it('the connection reset instead of an answer → 502', async () => {
    const res = await soap.post('/broken/connection-reset/GetOrder', { orderId: 'ORD-1001' });
    expect(res.status).toBe(502);
    expect(problem(res.body)).toEqual(unavailable('upstream "orders" closed the connection before answering'));
  });

  it('nothing listening → 502', async () => {
    const res = await soap.post('/nowhere/GetOrder', { orderId: 'ORD-1001' });
    expect(res.status).toBe(502);
    expect(problem(res.body)).toEqual(unavailable('upstream "closed" refused the connection'));
  });

  it('the gateway still answers normally afterwards', async () => {
    const res = await soap.post('/few-elements/ListOrders', { customerId: 'C-1003' });
    expect(res.status).toBe(200);
  });
});
