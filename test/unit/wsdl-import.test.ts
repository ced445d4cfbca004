import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ComplexType, ElementDecl, SimpleType, WsdlModel, XsdType } from '../../src/soap/model.js';
import { importWsdl, importWsdlSync } from '../../src/soap/wsdl/index.js';

const fixtures = fileURLToPath(new URL('../fixtures/wsdl/', import.meta.url));
const XSD = 'http://www.w3.org/2001/XMLSchema';

const builtin = (local: string): SimpleType => ({ kind: 'simple', name: { ns: XSD, local }, builtin: local, facets: {} });
const element = (ns: string, local: string, type: XsdType, more: Partial<ElementDecl> = {}): ElementDecl => ({
  kind: 'element',
  name: { ns, local },
  type,
  minOccurs: 1,
  maxOccurs: 1,
  nillable: false,
  ...more,
});

function typeNamed(model: WsdlModel, ns: string, local: string): XsdType {
  const type = model.types?.find((candidate) => candidate.name?.ns === ns && candidate.name.local === local);
  if (type === undefined) throw new Error(`no type {${ns}}${local}`);
  return type;
}

function complexNamed(model: WsdlModel, ns: string, local: string): ComplexType {
  const type = typeNamed(model, ns, local);
  if (type.kind !== 'complex') throw new Error(`{${ns}}${local} is simple`);
  return type;
}

describe('importWsdl: services, ports and operations', () => {
  const model = importWsdlSync('services.wsdl', { baseDir: fixtures });
  const shop = 'urn:test:shop';
  const getItem = model.services[0]?.ports[0]?.operations[0];

  it('keeps SOAP 1.1 and 1.2 ports, skips the HTTP port and the service that only has one', () => {
    expect(model.source).toBe('services.wsdl');
    expect(model.targetNamespace).toBe(shop);
    expect(model.services.map((service) => [service.name, service.ports.map((port) => [port.name, port.soapVersion, port.address, port.binding.local])])).toEqual([
      ['ShopService', [['Soap11', '1.1', 'http://shop.example/soap11', 'ShopSoap11'], ['Soap12', '1.2', 'http://shop.example/soap12', 'ShopSoap12']]],
      ['CalcService', [['Calc', '1.1', 'http://calc.example/rpc', 'CalcRpc']]],
    ]);
  });

  it('reads document/literal wrapped with parts=, a bound header and a fault', () => {
    const auth = element(shop, 'Auth', {
      kind: 'complex',
      attributes: [],
      mixed: false,
      abstract: false,
      content: { kind: 'sequence', minOccurs: 1, maxOccurs: 1, particles: [element(shop, 'token', builtin('string'))] },
    });
    expect(getItem?.name).toBe('GetItem');
    expect(getItem?.style).toBe('document');
    expect(getItem?.soapAction).toBe('urn:test:shop/GetItem');
    expect(getItem?.input.parts.map((part) => [part.name, part.element?.name.local])).toEqual([['parameters', 'GetItem']]);
    expect(getItem?.input.headers).toEqual([{ name: 'auth', element: auth }]);
    expect(getItem?.input.rpcWrapper).toBeUndefined();
    const item = complexNamed(model, shop, 'Item');
    expect(getItem?.output.parts[0]?.element).toEqual(
      element(shop, 'GetItemResponse', {
        kind: 'complex',
        attributes: [],
        mixed: false,
        abstract: false,
        content: { kind: 'sequence', minOccurs: 1, maxOccurs: 1, particles: [element(shop, 'item', item, { minOccurs: 0 })] },
      }),
    );
    expect(getItem?.faults.map((fault) => [fault.name, fault.element?.name])).toEqual([['NotFound', { ns: shop, local: 'NotFound' }]]);
  });

  it('reads document/literal bare: the part element is the body, whatever its name', () => {
    const lookup = model.services[0]?.ports[0]?.operations[1];
    expect(lookup?.soapAction).toBe('');
    expect(lookup?.input.parts).toEqual([{ name: 'key', element: element(shop, 'ItemKey', builtin('string')) }]);
    expect(lookup?.output.parts[0]?.element?.type).toBe(typeNamed(model, shop, 'Item'));
  });

  it('leaves header-bound parts out of the body when soap:body has no parts=, and shares types across ports', () => {
    const soap12 = model.services[0]?.ports[1];
    const getItem12 = soap12?.operations[0];
    expect(getItem12?.soapAction).toBe('urn:test:shop/GetItem12');
    expect(getItem12?.input.parts.map((part) => part.name)).toEqual(['parameters']);
    expect(getItem12?.input.headers.map((part) => part.name)).toEqual(['auth']);
    expect(getItem12?.input.parts[0]?.element).toBe(getItem?.input.parts[0]?.element);
    expect(soap12?.operations[1]?.soapAction).toBe('');
  });

  it('reads rpc/literal: typed parts and wrapper names from soap:body namespace', () => {
    const add = model.services[1]?.ports[0]?.operations[0];
    expect(add).toEqual({
      name: 'Add',
      style: 'rpc',
      soapAction: 'urn:test:calc#Add',
      input: { parts: [{ name: 'a', type: builtin('int') }, { name: 'b', type: builtin('int') }], headers: [], rpcWrapper: { ns: 'urn:test:calc', local: 'Add' } },
      output: { parts: [{ name: 'sum', type: builtin('int') }], headers: [], rpcWrapper: { ns: 'urn:test:calc:out', local: 'AddResponse' } },
      faults: [],
    });
  });

  it('returns a frozen model', () => {
    expect(Object.isFrozen(model)).toBe(true);
    expect(Object.isFrozen(getItem?.input.parts[0]?.element?.type)).toBe(true);
  });
});

describe('importWsdl: XML Schema constructs', () => {
  const model = importWsdlSync('xsd-constructs.wsdl', { baseDir: fixtures });
  const t = 'urn:test:xsd';
  const named = (local: string): XsdType => typeNamed(model, t, local);

  it('merges facets along a restriction chain; patterns OR within a step and AND across steps', () => {
    expect(named('ShortCode')).toEqual({
      kind: 'simple',
      name: { ns: t, local: 'ShortCode' },
      builtin: 'string',
      facets: { minLength: 2, maxLength: 4, pattern: ['[A-Z]+|[0-9]+', '.{3}'] },
    });
    expect(named('Warm')).toEqual({ kind: 'simple', name: { ns: t, local: 'Warm' }, builtin: 'token', facets: { enumeration: ['red'] } });
    expect(named('Color')).toMatchObject({ builtin: 'token', facets: { enumeration: ['red', 'green', 'blue'] } });
    expect(named('Percent')).toMatchObject({ builtin: 'decimal', facets: { minInclusive: '0', maxExclusive: '100.5', totalDigits: 5, fractionDigits: 2 } });
    expect(named('BigCount')).toMatchObject({ builtin: 'unsignedLong', facets: { maxInclusive: '18446744073709551615' } });
  });

  it('reads lists (named and anonymous item types), restricted lists and unions', () => {
    const code = named('Code');
    expect(named('Codes')).toEqual({ kind: 'simple', name: { ns: t, local: 'Codes' }, builtin: 'anySimpleType', facets: {}, listOf: code });
    expect(named('ThreeCodes')).toEqual({ kind: 'simple', name: { ns: t, local: 'ThreeCodes' }, builtin: 'anySimpleType', facets: { length: 3 }, listOf: code });
    expect(named('Positives')).toMatchObject({ listOf: { kind: 'simple', builtin: 'int', facets: { minInclusive: '1' } } });
    expect(named('SizeOrCode')).toEqual({
      kind: 'simple',
      name: { ns: t, local: 'SizeOrCode' },
      builtin: 'anySimpleType',
      facets: {},
      unionOf: [builtin('int'), code, { kind: 'simple', builtin: 'string', facets: { enumeration: ['auto'] } }],
    });
  });

  it('puts the base content first for complexContent extension, attributes too, and keeps abstract', () => {
    const base = complexNamed(model, t, 'Base');
    const derived = complexNamed(model, t, 'Derived');
    const id = element(t, 'id', builtin('long'));
    const tag = element(t, 'tag', builtin('string'), { minOccurs: 0, maxOccurs: Infinity });
    const version = { name: { ns: '', local: 'version' }, type: builtin('int'), required: false, default: '1' };
    expect(base.abstract).toBe(true);
    expect(derived).toEqual({
      kind: 'complex',
      name: { ns: t, local: 'Derived' },
      base: { ns: t, local: 'Base' },
      content: {
        kind: 'sequence',
        minOccurs: 1,
        maxOccurs: 1,
        particles: [
          id,
          tag,
          { kind: 'choice', minOccurs: 1, maxOccurs: 1, particles: [element(t, 'a', builtin('string')), element(t, 'b', builtin('int'))] },
        ],
      },
      attributes: [version, { name: { ns: '', local: 'kind' }, type: named('Color'), required: true }],
      mixed: false,
      abstract: false,
    });
    // An extension that adds nothing has exactly its base's content and attributes.
    const more = complexNamed(model, t, 'MoreDerived');
    expect(more.content).toBe(derived.content);
    expect(more.attributes).toEqual(derived.attributes);
    expect(more.base).toEqual({ ns: t, local: 'Derived' });
  });

  it('restates the content for complexContent restriction and overrides inherited attributes', () => {
    expect(complexNamed(model, t, 'Restricted')).toEqual({
      kind: 'complex',
      name: { ns: t, local: 'Restricted' },
      base: { ns: t, local: 'Base' },
      content: { kind: 'sequence', minOccurs: 1, maxOccurs: 1, particles: [element(t, 'id', builtin('long'))] },
      attributes: [{ name: { ns: '', local: 'version' }, type: builtin('int'), required: false, fixed: '2' }],
      mixed: false,
      abstract: false,
    });
  });

  it('reads simpleContent extension and restriction with attribute groups and prohibited attributes', () => {
    const currency = { name: { ns: '', local: 'currency' }, type: builtin('string'), required: true };
    const changedBy = { name: { ns: '', local: 'changedBy' }, type: builtin('string'), required: false };
    const changedAt = { name: { ns: '', local: 'changedAt' }, type: builtin('dateTime'), required: false };
    expect(named('Price')).toEqual({
      kind: 'complex',
      name: { ns: t, local: 'Price' },
      base: { ns: XSD, local: 'decimal' },
      text: builtin('decimal'),
      attributes: [currency, changedBy, changedAt],
      mixed: false,
      abstract: false,
    });
    expect(named('SmallPrice')).toEqual({
      kind: 'complex',
      name: { ns: t, local: 'SmallPrice' },
      base: { ns: t, local: 'Price' },
      text: { kind: 'simple', builtin: 'decimal', facets: { maxInclusive: '10' } },
      attributes: [currency, changedAt],
      mixed: false,
      abstract: false,
    });
    expect(complexNamed(model, t, 'TaggedPrice').attributes.map((attribute) => attribute.name.local)).toEqual(['currency', 'changedBy', 'changedAt', 'tag']);
  });

  it('reads all, mixed, nillable and default', () => {
    expect(named('Person')).toEqual({
      kind: 'complex',
      name: { ns: t, local: 'Person' },
      content: {
        kind: 'all',
        minOccurs: 1,
        maxOccurs: 1,
        particles: [element(t, 'name', builtin('string')), element(t, 'nick', builtin('string'), { minOccurs: 0, nillable: true, default: 'none' })],
      },
      attributes: [],
      mixed: true,
      abstract: false,
    });
  });

  it('reads group refs, element refs, forms, untyped elements, xs:any and attribute refs', () => {
    const card = complexNamed(model, t, 'Card');
    const contact = { kind: 'sequence', minOccurs: 0, maxOccurs: 2, particles: [element(t, 'email', builtin('string')), element(t, 'phone', builtin('string'), { minOccurs: 0 })] };
    expect(card.content?.particles).toEqual([
      contact,
      element(t, 'note', builtin('string'), { fixed: 'n/a' }),
      element('', 'local', builtin('string')),
      element(t, 'untyped', {
        kind: 'complex',
        name: { ns: XSD, local: 'anyType' },
        content: { kind: 'sequence', minOccurs: 1, maxOccurs: 1, particles: [{ kind: 'any', minOccurs: 0, maxOccurs: Infinity }] },
        attributes: [],
        mixed: true,
        abstract: false,
      }),
      { kind: 'any', minOccurs: 0, maxOccurs: Infinity },
    ]);
    expect(card.attributes).toEqual([
      { name: { ns: t, local: 'lang' }, type: builtin('language'), required: false },
      { name: { ns: t, local: 'q' }, type: builtin('string'), required: false },
      { name: { ns: 'http://www.w3.org/XML/1998/namespace', local: 'lang' }, type: builtin('language'), required: true },
    ]);
    expect(complexNamed(model, t, 'Empty')).toEqual({ kind: 'complex', name: { ns: t, local: 'Empty' }, attributes: [], mixed: false, abstract: false });
  });

  it('nests groups and anonymous simple types in the order written', () => {
    expect(complexNamed(model, t, 'Nested').content).toEqual({
      kind: 'choice',
      minOccurs: 0,
      maxOccurs: Infinity,
      particles: [
        { kind: 'sequence', minOccurs: 1, maxOccurs: 1, particles: [element(t, 'x', builtin('int')), element(t, 'y', builtin('int'))] },
        element(t, 'point', { kind: 'simple', builtin: 'string', facets: { length: 5 } }),
      ],
    });
  });

  it('qualifies local elements by elementFormDefault and form=, global ones always', () => {
    const root = model.services[0]?.ports[0]?.operations[0]?.output.parts[0]?.element;
    const u = 'urn:test:unq';
    expect(root?.name).toEqual({ ns: u, local: 'Root' });
    const type = root?.type as ComplexType;
    expect(type.content?.particles).toEqual([
      element('', 'child', builtin('string')),
      element(u, 'Top', builtin('int'), { nillable: true }),
      element(u, 'forced', builtin('string')),
    ]);
    expect(type.attributes).toEqual([{ name: { ns: '', local: 'plain' }, type: builtin('string'), required: false }]);
  });
});

describe('importWsdl: imports, includes and recursion', () => {
  it('follows wsdl:import, xs:import (by location and by namespace) and a chameleon xs:include', () => {
    const model = importWsdlSync('imports/main.wsdl', { baseDir: fixtures });
    const operation = model.services[0]?.ports[0]?.operations[0];
    expect(model.services[0]?.ports[0]).toMatchObject({ soapVersion: '1.2', binding: { ns: 'urn:test:imp:svc', local: 'OrderBinding' } });
    expect(operation?.soapAction).toBe('urn:test:imp:PlaceOrder');
    const placeOrder = operation?.input.parts[0]?.element?.type as ComplexType;
    const order = placeOrder.content?.particles[0] as ElementDecl;
    const orders = 'urn:test:imp:orders';
    expect(order.name).toEqual({ ns: orders, local: 'Order' });
    const orderType = order.type as ComplexType;
    // The chameleon's components and its qualified local elements take the includer's namespace.
    expect(orderType.name).toEqual({ ns: orders, local: 'Order' });
    const line = orderType.content?.particles[0] as ElementDecl;
    expect(line).toMatchObject({ name: { ns: orders, local: 'line' }, maxOccurs: Infinity, type: { name: { ns: orders, local: 'Line' } } });
    const price = (line.type as ComplexType).content?.particles[1] as ElementDecl;
    const money = complexNamed(model, 'urn:test:imp:common', 'Money');
    expect(price.type).toBe(money);
    expect(money.attributes[0]?.type).toEqual({
      kind: 'simple',
      name: { ns: 'urn:test:imp:units', local: 'Unit' },
      builtin: 'string',
      facets: { enumeration: ['EUR', 'USD'] },
    });
    expect((operation?.output.parts[0]?.element?.type as ComplexType).content?.particles[0]).toMatchObject({ name: { ns: orders, local: 'Total' }, type: money });
  });

  it('builds recursive types as a graph with cycles', () => {
    const model = importWsdlSync('recursive.wsdl', { baseDir: fixtures });
    const rec = 'urn:test:rec';
    const node = complexNamed(model, rec, 'Node');
    expect((node.content?.particles[1] as ElementDecl).type).toBe(node);
    const tree = model.services[0]?.ports[0]?.operations[0]?.input.parts[0]?.element?.type as ComplexType;
    const folder = tree.content?.particles[1] as ElementDecl;
    const folderType = folder.type as ComplexType;
    expect(folderType.content?.particles[1]).toMatchObject({ name: { ns: rec, local: 'Folder' }, minOccurs: 0, maxOccurs: Infinity });
    expect((folderType.content?.particles[1] as ElementDecl).type).toBe(folderType);
    const expr = complexNamed(model, rec, 'Expr');
    const args = expr.content?.particles[1] as ElementDecl;
    const argsType = args.type as ComplexType;
    expect(argsType.base).toEqual({ ns: rec, local: 'Expr' });
    expect(argsType.content?.particles.map((particle) => (particle as ElementDecl).name.local)).toEqual(['op', 'args', 'extra']);
    expect(argsType.content?.particles[1]).toBe(args);
    const a = complexNamed(model, rec, 'A');
    const b = (a.content?.particles[0] as ElementDecl).type as ComplexType;
    expect((b.content?.particles[0] as ElementDecl).type).toBe(a);
  });

  it('imports the legacy order service fixture (document/literal on SOAP 1.1 and 1.2, rpc/literal)', async () => {
    const model = await importWsdl('legacy-fixtures/order-service/OrderService.wsdl', { baseDir: fileURLToPath(new URL('../../', import.meta.url)) });
    expect(model.services.map((service) => [service.name, service.ports.map((port) => [port.soapVersion, port.operations.map((op) => `${op.style}:${op.name}`)])])).toEqual([
      ['OrderService', [['1.1', ['document:GetOrder', 'document:ListOrders', 'document:CreateOrder', 'document:CancelOrder']], ['1.2', ['document:GetOrder', 'document:ListOrders', 'document:CreateOrder', 'document:CancelOrder']]]],
      ['LegacyPingService', [['1.1', ['rpc:Ping', 'rpc:GetServerTime']]]],
    ]);
    const business = complexNamed(model, 'urn:acme:orders:v1', 'BusinessCustomer');
    expect(business.base).toEqual({ ns: 'urn:acme:orders:v1', local: 'Customer' });
    expect(business.content?.particles.map((particle) => (particle as ElementDecl).name.local)).toEqual(['customerId', 'name', 'email', 'address', 'companyName', 'vatId']);
  });
});
