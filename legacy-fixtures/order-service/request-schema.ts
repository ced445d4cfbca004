import type { ComplexType, ElementDecl, SimpleType } from './schema-decoder.js';

/**
 * The request side of OrderService.wsdl and common.xsd, as the server's generated binding classes would know it.
 * Keep it in step with the WSDL: names, order, occurrences and facets here are what the server enforces.
 */

export const ORDERS_NS = 'urn:acme:orders:v1';
export const COMMON_NS = 'urn:acme:common:v1';
export const PING_NS = 'urn:acme:legacy:ping:v1';

const string: SimpleType = { kind: 'simple', name: 'xs:string', base: 'string' };
const long: SimpleType = { kind: 'simple', name: 'xs:long', base: 'long' };
const int: SimpleType = { kind: 'simple', name: 'xs:int', base: 'int' };

const orderId: SimpleType = { kind: 'simple', name: 'tns:OrderId', base: 'string', pattern: 'ORD-[0-9]{4,10}' };
const storeId: SimpleType = { kind: 'simple', name: 'tns:StoreId', base: 'string', pattern: 'ST-[0-9]{3}' };
const pageSize: SimpleType = { kind: 'simple', name: 'tns:PageSize', base: 'int', minInclusive: 1n, maxInclusive: 50n };
const cancelReason: SimpleType = { kind: 'simple', name: 'tns:CancelReason', base: 'string', maxLength: 200 };
const customerId: SimpleType = { kind: 'simple', name: 'cmn:CustomerId', base: 'string', maxLength: 10, pattern: 'C-[0-9]{4,8}' };
const sku: SimpleType = { kind: 'simple', name: 'cmn:Sku', base: 'string', maxLength: 12, pattern: '[A-Z]{2,4}-[0-9]{3,6}' };
const countryCode: SimpleType = { kind: 'simple', name: 'cmn:CountryCode', base: 'string', pattern: '[A-Z]{2}' };
const postalCode: SimpleType = {
  kind: 'simple',
  name: 'cmn:PostalCode',
  base: 'string',
  maxLength: 10,
  pattern: '[A-Z0-9][A-Z0-9 \\-]{1,9}',
};
export const ORDER_STATUSES = ['PENDING', 'CONFIRMED', 'SHIPPED', 'DELIVERED', 'CANCELLED'] as const;
const orderStatus: SimpleType = { kind: 'simple', name: 'cmn:OrderStatus', base: 'string', enumeration: ORDER_STATUSES };

function element(ns: string, name: string, type: SimpleType | ComplexType, min = 1, max = 1, nillable = false): ElementDecl {
  return { kind: 'element', name, ns, type, min, max, nillable };
}
const tns = (name: string, type: SimpleType | ComplexType, min?: number, max?: number, nillable?: boolean): ElementDecl =>
  element(ORDERS_NS, name, type, min, max, nillable);
const cmn = (name: string, type: SimpleType | ComplexType, min?: number, max?: number): ElementDecl =>
  element(COMMON_NS, name, type, min, max);

/** cmn:Address: its local elements are in the common namespace, wherever the address element itself lives. */
const address: ComplexType = {
  kind: 'complex',
  name: 'cmn:Address',
  content: [
    cmn('line', string, 1, 3),
    cmn('city', string),
    cmn('postalCode', postalCode),
    cmn('region', string, 0),
    cmn('countryCode', countryCode),
  ],
};

const newLine: ComplexType = { kind: 'complex', name: 'tns:NewLine', content: [tns('sku', sku), tns('quantity', long)] };
const newLines: ComplexType = { kind: 'complex', name: 'tns:NewLines', content: [tns('line', newLine, 1, Infinity)] };

function wrapper(ns: string, name: string, content: ComplexType['content']): ElementDecl {
  return element(ns, name, { kind: 'complex', name: `${name} (anonymous)`, content });
}

export const GET_ORDER = wrapper(ORDERS_NS, 'GetOrder', [tns('orderId', orderId)]);

export const LIST_ORDERS = wrapper(ORDERS_NS, 'ListOrders', [
  tns('status', orderStatus, 0),
  tns('customerId', customerId, 0),
  tns('page', int, 0),
  tns('pageSize', pageSize, 0),
]);

export const CREATE_ORDER = wrapper(ORDERS_NS, 'CreateOrder', [
  tns('customerId', customerId),
  tns('lines', newLines),
  { kind: 'choice', options: [tns('shipTo', address), tns('pickupStoreId', storeId)] },
  tns('discountCode', string, 0),
  tns('notes', string, 0, 1, true),
]);

export const CANCEL_ORDER = wrapper(ORDERS_NS, 'CancelOrder', [tns('orderId', orderId), tns('reason', cancelReason, 0)]);

export const CHANNELS = ['WEB', 'MOBILE', 'PARTNER', 'BATCH'] as const;
const channel: SimpleType = { kind: 'simple', name: 'tns:Channel', base: 'string', enumeration: CHANNELS };
const operatorId: SimpleType = { kind: 'simple', name: 'tns:OperatorId', base: 'string', maxLength: 32 };
/** The soap:header block CancelOrder's binding declares: who is asking, for the audit trail. */
export const CALLER_CONTEXT = wrapper(ORDERS_NS, 'CallerContext', [tns('channel', channel), tns('operator', operatorId, 0)]);

/** rpc/literal: the wrapper is in the soap:body namespace, the part accessors are unqualified. */
export const PING = wrapper(PING_NS, 'Ping', [element('', 'text', string)]);
export const GET_SERVER_TIME = wrapper(PING_NS, 'GetServerTime', []);
