import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CANCEL_ORDER, CREATE_ORDER, GET_ORDER, LIST_ORDERS } from '../../legacy-fixtures/order-service/request-schema.js';
import type { ElementDecl } from '../../legacy-fixtures/order-service/schema-decoder.js';
import { startOrderService, type RunningOrderService } from '../../legacy-fixtures/order-service/service.js';
import { readXml, type XmlElement } from '../../legacy-fixtures/order-service/xml-reader.js';
import { send, SOAP11_HEADERS, soap11 } from './legacy-order-client.js';

const dir = path.resolve('legacy-fixtures/order-service');
const recordings = path.join(dir, 'recordings');

interface Exchange {
  readonly name: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly status: number;
  readonly contentType: string;
}
const manifest = JSON.parse(readFileSync(path.join(recordings, 'manifest.json'), 'utf8')) as { clock: string; exchanges: Exchange[] };

let service: RunningOrderService;

beforeAll(async () => {
  service = await startOrderService({ port: 0, now: () => new Date(manifest.clock) });
});

afterAll(async () => {
  await service.close();
});

/** The text of the first descendant named `local`, for asserting on single fields of a fault. */
function find(element: XmlElement, local: string): XmlElement | undefined {
  if (element.local === local) return element;
  for (const child of element.children) {
    const hit = find(child, local);
    if (hit !== undefined) return hit;
  }
  return undefined;
}

describe('legacy order service: recorded exchanges, replayed in order', () => {
  it('has a recording for every exchange in the manifest', () => {
    expect(manifest.exchanges.length).toBeGreaterThanOrEqual(40);
    for (const exchange of manifest.exchanges) {
      expect(typeof exchange.status, exchange.name).toBe('number');
      expect(readFileSync(path.join(recordings, `${exchange.name}.response.xml`)).length, exchange.name).toBeGreaterThan(0);
    }
  });

  for (const exchange of manifest.exchanges) {
    it(`${exchange.name}: ${exchange.status}`, async () => {
      const response = await send(service.url, {
        path: exchange.path,
        headers: exchange.headers,
        body: readFileSync(path.join(recordings, `${exchange.name}.request.xml`)),
      });
      expect(response.status).toBe(exchange.status);
      expect(response.headers['content-type']).toBe(exchange.contentType);
      expect(response.body.toString('utf8')).toBe(readFileSync(path.join(recordings, `${exchange.name}.response.xml`), 'utf8'));
    });
  }
});

describe('legacy order service: strictness', () => {
  const getOrder = soap11('<urn:GetOrder><urn:orderId>ORD-1001</urn:orderId></urn:GetOrder>');

  it('answers a wrong SOAPAction with a soap:Client fault, HTTP 500', async () => {
    const response = await send(service.url, { path: '/orders', headers: SOAP11_HEADERS('CancelOrder'), body: getOrder });
    expect(response.status).toBe(500);
    const root = readXml(response.body.toString());
    expect(find(root, 'faultcode')?.text).toBe('soap:Client');
    expect(find(root, 'faultstring')?.text).toContain('does not match operation GetOrder');
  });

  it('accepts an unquoted SOAPAction that names the operation', async () => {
    const response = await send(service.url, {
      path: '/orders',
      headers: { 'content-type': 'text/xml', soapaction: 'urn:acme:orders:v1/GetOrder' },
      body: getOrder,
    });
    expect(response.status).toBe(200);
  });

  it('refuses elements out of xs:sequence order', async () => {
    const body = soap11('<urn:ListOrders><urn:customerId>C-1001</urn:customerId><urn:status>PENDING</urn:status></urn:ListOrders>');
    const response = await send(service.url, { path: '/orders', headers: SOAP11_HEADERS('ListOrders'), body });
    expect(response.status).toBe(500);
    const root = readXml(response.body.toString());
    expect(find(root, 'faultcode')?.text).toBe('soap:Client');
    expect(find(root, 'faultstring')?.text).toBe(
      'Unmarshalling Error: element {urn:acme:orders:v1}status is out of sequence order in /ListOrders; ' +
        'expected one of {urn:acme:orders:v1}page, {urn:acme:orders:v1}pageSize (the sequence is status, customerId, page, pageSize)',
    );
  });

  it('refuses a repeated element that may occur once, and text in element-only content', async () => {
    const twice = soap11('<urn:GetOrder><urn:orderId>ORD-1001</urn:orderId><urn:orderId>ORD-1002</urn:orderId></urn:GetOrder>');
    const repeated = await send(service.url, { path: '/orders', headers: SOAP11_HEADERS('GetOrder'), body: twice });
    expect(find(readXml(repeated.body.toString()), 'faultstring')?.text).toContain('occurs more than 1 time');
    const text = soap11('<urn:GetOrder>oops<urn:orderId>ORD-1001</urn:orderId></urn:GetOrder>');
    const mixed = await send(service.url, { path: '/orders', headers: SOAP11_HEADERS('GetOrder'), body: text });
    expect(find(readXml(mixed.body.toString()), 'faultstring')?.text).toContain('text is not allowed');
  });

  it('refuses a DOCTYPE without expanding it (billion laughs in the request)', async () => {
    let subset = '<!ENTITY a0 "ha">';
    for (let level = 1; level <= 9; level++) subset += `<!ENTITY a${level} "${`&a${level - 1};`.repeat(10)}">`;
    const body = `<?xml version="1.0"?><!DOCTYPE soapenv:Envelope [${subset}]>${soap11('<urn:GetOrder><urn:orderId>&a9;</urn:orderId></urn:GetOrder>')}`;
    const started = Date.now();
    const response = await send(service.url, { path: '/orders', headers: SOAP11_HEADERS('GetOrder'), body });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(response.status).toBe(500);
    expect(find(readXml(response.body.toString()), 'faultstring')?.text).toMatch(/^DOCTYPE is disallowed/);
  });

  it('rejects undeclared entities and answers SOAP 1.2 Sender faults with 400', async () => {
    const body =
      '<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body>' +
      '<o:GetOrder xmlns:o="urn:acme:orders:v1"><o:orderId>&nbsp;ORD-1001</o:orderId></o:GetOrder></env:Body></env:Envelope>';
    const response = await send(service.url, { path: '/orders/soap12', headers: { 'content-type': 'application/soap+xml' }, body });
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toBe('application/soap+xml; charset=utf-8');
    const root = readXml(response.body.toString());
    expect(find(root, 'Value')?.text).toBe('env:Sender');
    expect(find(root, 'Text')?.text).toBe('Malformed XML: undeclared entity &nbsp;');
  });
});

describe('legacy order service: WSDL and XSD', () => {
  it('serves the WSDL with its addresses and the XSD import pointing at itself', async () => {
    const response = await send(service.url, { method: 'GET', path: '/orders?wsdl' });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/xml;charset=utf-8');
    const wsdl = response.body.toString();
    const origin = `127.0.0.1:${service.port}`;
    expect(wsdl).toContain(`<soap:address location="http://${origin}/orders"/>`);
    expect(wsdl).toContain(`<soap12:address location="http://${origin}/orders/soap12"/>`);
    expect(wsdl).toContain(`<soap:address location="http://${origin}/legacy/ping"/>`);
    expect(wsdl).toContain(`schemaLocation="http://${origin}/orders?xsd=common.xsd"`);
    const xsd = await send(service.url, { method: 'GET', path: '/orders?xsd=common.xsd' });
    expect(xsd.status).toBe(200);
    expect(xsd.body.toString()).toBe(readFileSync(path.join(dir, 'common.xsd'), 'utf8'));
    expect((await send(service.url, { method: 'GET', path: '/orders?xsd=other.xsd' })).status).toBe(404);
    expect((await send(service.url, { method: 'PUT', path: '/orders' })).headers['allow']).toBe('GET, POST');
    expect((await send(service.url, { method: 'GET', path: '/nothing' })).status).toBe(404);
  });

  it('keeps the request schema the server enforces in step with the WSDL', () => {
    const wsdl = readXml(readFileSync(path.join(dir, 'OrderService.wsdl'), 'utf8'));
    const schema = wsdl.children.find((child) => child.local === 'types')?.children[0] as XmlElement;
    const sequenceNames = (element: XmlElement): string[] =>
      element.children.flatMap((child) => (child.local === 'element' ? [child.attrs.find((a) => a.local === 'name')?.value ?? ''] : sequenceNames(child)));
    const declNames = (decl: ElementDecl): string[] =>
      decl.type.kind === 'complex' ? decl.type.content.flatMap((p) => (p.kind === 'choice' ? p.options.map((o) => o.name) : [p.name])) : [];
    for (const decl of [GET_ORDER, LIST_ORDERS, CREATE_ORDER, CANCEL_ORDER]) {
      const element = schema.children.find((child) => child.local === 'element' && child.attrs.some((a) => a.local === 'name' && a.value === decl.name));
      expect(element, decl.name).toBeDefined();
      expect(sequenceNames(element as XmlElement), decl.name).toEqual(declNames(decl));
    }
  });

  it('resets to the seeded store and pins the clock through the admin endpoint', async () => {
    const created = soap11(
      '<urn:CreateOrder><urn:customerId>C-1002</urn:customerId><urn:lines><urn:line><urn:sku>WID-1001</urn:sku>' +
        '<urn:quantity>1</urn:quantity></urn:line></urn:lines><urn:pickupStoreId>ST-002</urn:pickupStoreId></urn:CreateOrder>',
    );
    expect((await send(service.url, { path: '/_admin/reset?now=2030-01-02T03:04:05.000Z' })).status).toBe(204);
    const response = await send(service.url, { path: '/orders', headers: SOAP11_HEADERS('CreateOrder'), body: created });
    const order = find(readXml(response.body.toString()), 'order') as XmlElement;
    expect(order.attrs.find((a) => a.local === 'id')?.value).toBe('ORD-1008');
    expect(find(order, 'createdAt')?.text).toBe('2030-01-02T03:04:05.000Z');
    expect(find(order, 'readyFrom')?.text).toBe('2030-01-03T10:00:00+00:00');
  });
});
