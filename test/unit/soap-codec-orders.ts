/** The legacy "Orders" service the codec tests share: one operation per style, typical legacy XSD constructs. */
import type { SoapVersion } from '../../src/soap/model.js';
import { TNS, attr, choice, complex, el, message, operation, port, seq, simple, top, wrapped, xs } from './soap-codec-fixture.js';

export const OrderStatus = simple('string', { enumeration: ['OPEN', 'SHIPPED', 'CANCELLED'] }, 'OrderStatus');
export const Sku = simple('string', { pattern: ['[A-Z]{3}-\\d{4}'] }, 'Sku');
export const Quantity = simple('int', { minInclusive: '1', maxInclusive: '999' }, 'Quantity');
export const Price = simple('decimal', { fractionDigits: 2, minInclusive: '0' }, 'Price');
export const Tags = { kind: 'simple', name: { ns: TNS, local: 'Tags' }, builtin: 'anySimpleType', facets: {}, listOf: xs.string } as const;
export const Codes = { kind: 'simple', name: { ns: TNS, local: 'Codes' }, builtin: 'anySimpleType', facets: { maxLength: 3 }, listOf: xs.int } as const;

export const Money = complex({ name: 'Money', text: Price, attributes: [attr('currency', simple('string', { length: 3 }), { required: true })] });

export const Line = complex({
  name: 'Line',
  content: seq(el('sku', Sku), el('qty', Quantity), el('price', Price, { min: 0 })),
  attributes: [attr('lineNo', xs.int, { required: true })],
});

export const Address = complex({
  name: 'Address',
  content: seq(el('street', xs.string), el('city', xs.string), el('zip', simple('string', { pattern: ['\\d{5}'] }), { min: 0 })),
});

/** A complexContent extension as the importer flattens it: the base's sequence, then the extension's. */
export const Party = complex({ name: 'Party', content: seq(el('id', xs.long), el('name', xs.string)), attributes: [attr('kind', xs.string)] });
export const Customer = complex({
  name: 'Customer',
  base: { ns: TNS, local: 'Party' },
  content: seq(seq(el('id', xs.long), el('name', xs.string)), seq(el('loyaltyTier', xs.int, { min: 0 }), el('email', xs.string, { min: 0 }))),
  attributes: [attr('kind', xs.string), attr('vip', xs.boolean)],
});

const Card = complex({ name: 'Card', content: seq(el('number', simple('string', { pattern: ['\\d{16}'] })), el('expires', simple('gYearMonth'))) });

export const PlaceOrder = complex({
  content: seq(
    el('customer', Customer),
    el('status', OrderStatus, { min: 0 }),
    el('note', xs.string, { min: 0, nillable: true }),
    el('lines', Line, { max: Infinity }),
    el('shipTo', Address, { min: 0 }),
    // Payment: a card, an invoice reference, or a bank code and account together.
    choice(el('card', Card), el('invoiceRef', xs.string), seq(el('bankCode', xs.string), el('account', xs.string))),
    el('express', xs.boolean, { min: 0 }),
    el('requestedAt', xs.dateTime, { min: 0 }),
    el('total', Money, { min: 0 }),
    el('tags', Tags, { min: 0 }),
    el('codes', Codes, { min: 0 }),
    el('ref', xs.unsignedLong, { min: 0 }),
  ),
  attributes: [attr('channel', xs.string), attr('trace', xs.string, { ns: 'urn:example:trace' })],
});

export const PlaceOrderResponse = complex({
  content: seq(
    el('orderId', xs.long),
    el('status', OrderStatus),
    el('total', Money),
    el('lines', Line, { min: 0, max: Infinity }),
    el('createdAt', xs.dateTime),
    el('shipDate', xs.date, { min: 0, nillable: true }),
    el('weightKg', xs.double, { min: 0 }),
    el('rating', xs.float, { min: 0 }),
    el('express', xs.boolean, { min: 0 }),
    el('comment', xs.string, { min: 0 }),
    el('tags', Tags, { min: 0 }),
    el('codes', Codes, { min: 0 }),
  ),
});

export const OrderNotFound = top('OrderNotFound', complex({ content: seq(el('orderId', xs.long), el('message', xs.string, { min: 0 })) }));

export const placeOrder = wrapped('PlaceOrder', PlaceOrder, PlaceOrderResponse, {
  faults: [{ name: 'OrderNotFoundFault', element: OrderNotFound }],
});

/** Document/literal bare: two parts, elements not named after the operation. */
export const submitBatch = operation(
  'SubmitBatch',
  message([
    { name: 'order', element: top('Order', Line) },
    { name: 'priority', element: top('Priority', xs.int) },
  ]),
  message([{ name: 'receipt', element: top('Receipt', complex({ content: seq(el('accepted', xs.int), el('batchId', xs.string)) })) }]),
);

/** rpc/literal: typed parts inside the operation wrapper. */
export const updateAddress = operation(
  'UpdateAddress',
  message(
    [
      { name: 'customerId', type: xs.long },
      { name: 'address', type: Address },
    ],
    { rpcWrapper: { ns: TNS, local: 'UpdateAddress' } },
  ),
  message([{ name: 'ok', type: xs.boolean }, { name: 'version', type: xs.int }], { rpcWrapper: { ns: TNS, local: 'UpdateAddressResponse' } }),
  { style: 'rpc', soapAction: '' },
);

/** One-way: no output parts. */
export const ping = operation('Ping', message([{ name: 'parameters', element: top('Ping', complex({ content: seq(el('at', xs.dateTime, { min: 0 })) })) }]), message([]));

export function ordersPort(version: SoapVersion) {
  return port(version, [placeOrder, submitBatch, updateAddress, ping]);
}

/** A valid PlaceOrder body, with its keys deliberately out of schema order. */
export function placeOrderBody(): Record<string, unknown> {
  return {
    express: true,
    lines: [
      { qty: 2, lineNo: 1, sku: 'ABC-1234', price: '19.90' },
      { price: 5, sku: 'XYZ-0001', lineNo: 2, qty: 1 },
    ],
    invoiceRef: 'INV-7',
    customer: { email: 'ann@example.test', name: 'Ann <&> "Quotes" \'Apos\'', id: '9007199254740993', vip: true, kind: 'person', loyaltyTier: 3 },
    note: 'Leave at the door – Zürich 東京 😀',
    status: 'OPEN',
    channel: 'web',
    trace: 't-1',
  };
}

