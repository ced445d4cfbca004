import { COMMON_NS, ORDERS_NS } from './request-schema.js';
import { orderTotal, type Address, type Customer, type Delivery, type Line, type Order } from './store.js';
import { el, nillableTextEl, optionalTextEl, textEl, XSI_NS } from './xml-writer.js';

/**
 * Response payloads, written the way a JAXB marshaller writes them: `ns2:` for the service namespace and `ns3:` for
 * the common types, both declared on the operation's wrapper element (not on the Envelope), xsi declared on the
 * element that uses it, every element in the order of its XSD sequence.
 */

const T = 'ns2:';
const C = 'ns3:';

/** The namespace declarations every wrapper element carries. */
export const WRAPPER_NS = { 'xmlns:ns2': ORDERS_NS, 'xmlns:ns3': COMMON_NS } as const;

/** A document/literal response wrapper, e.g. GetOrderResponse, with its namespace declarations. */
export function responseWrapper(local: string, ...children: readonly string[]): string {
  return el(`${T}${local}`, WRAPPER_NS, ...children);
}

function money(name: string, amount: string, currency: string): string {
  return textEl(name, amount, { currency });
}

/** cmn:Address: its children are in the common namespace even inside a service-namespace element. */
export function addressXml(name: string, address: Address): string {
  return el(
    name,
    undefined,
    ...address.lines.map((line) => textEl(`${C}line`, line)),
    textEl(`${C}city`, address.city),
    textEl(`${C}postalCode`, address.postalCode),
    optionalTextEl(`${C}region`, address.region),
    textEl(`${C}countryCode`, address.countryCode),
  );
}

/** A Customer, or a BusinessCustomer marked with xsi:type where the schema declares Customer. */
function customerXml(customer: Customer): string {
  const base = [
    textEl(`${T}customerId`, customer.id),
    textEl(`${T}name`, customer.name),
    optionalTextEl(`${T}email`, customer.email),
    addressXml(`${T}address`, customer.address),
  ];
  if (customer.company === undefined) return el(`${T}customer`, undefined, ...base);
  // complexContent extension: the base type's sequence first, then the extension's.
  return el(
    `${T}customer`,
    { 'xmlns:xsi': XSI_NS, 'xsi:type': `${T}BusinessCustomer` },
    ...base,
    textEl(`${T}companyName`, customer.company.name),
    optionalTextEl(`${T}vatId`, customer.company.vatId),
  );
}

function lineXml(line: Line, currency: string): string {
  return el(
    `${T}line`,
    { lineNo: String(line.lineNo) },
    textEl(`${T}sku`, line.sku),
    textEl(`${T}description`, line.description),
    textEl(`${T}quantity`, line.quantity.toString()),
    money(`${T}unitPrice`, line.unitPrice, currency),
  );
}

function deliveryXml(delivery: Delivery): string {
  if (delivery.kind === 'pickup') {
    return el(`${T}pickup`, undefined, textEl(`${T}storeId`, delivery.storeId), textEl(`${T}readyFrom`, delivery.readyFrom));
  }
  return el(
    `${T}shipment`,
    undefined,
    textEl(`${T}carrier`, delivery.carrier),
    nillableTextEl(`${T}trackingNumber`, delivery.trackingNumber),
    addressXml(`${T}shipTo`, delivery.shipTo),
    optionalTextEl(`${T}shippedAt`, delivery.shippedAt),
  );
}

export function orderXml(order: Order): string {
  return el(
    `${T}order`,
    { id: order.id, status: order.status },
    customerXml(order.customer),
    textEl(`${T}createdAt`, order.createdAt),
    el(`${T}lines`, undefined, ...order.lines.map((line) => lineXml(line, order.currency))),
    money(`${T}total`, orderTotal(order), order.currency),
    deliveryXml(order.delivery),
    optionalTextEl(`${T}discountCode`, order.discountCode),
    nillableTextEl(`${T}notes`, order.notes),
  );
}

export function orderSummaryXml(order: Order): string {
  return el(
    `${T}order`,
    { id: order.id, status: order.status },
    textEl(`${T}customerId`, order.customer.id),
    textEl(`${T}createdAt`, order.createdAt),
    textEl(`${T}lineCount`, String(order.lines.length)),
    money(`${T}total`, orderTotal(order), order.currency),
  );
}

/** Fault detail entries: the global elements the WSDL's fault messages name, each declaring its own namespace. */
export function orderNotFoundDetail(orderId: string): string {
  return el(
    `${T}OrderNotFoundFault`,
    { 'xmlns:ns2': ORDERS_NS },
    textEl(`${T}orderId`, orderId),
    textEl(`${T}message`, `No order with id ${orderId}`),
  );
}

export function orderAlreadyShippedDetail(order: Order): string {
  const shippedAt = order.delivery.kind === 'shipment' ? order.delivery.shippedAt : undefined;
  return el(
    `${T}OrderAlreadyShippedFault`,
    { 'xmlns:ns2': ORDERS_NS, 'xmlns:ns3': COMMON_NS },
    textEl(`${T}orderId`, order.id),
    textEl(`${T}status`, order.status),
    optionalTextEl(`${T}shippedAt`, shippedAt),
  );
}

export interface Violation {
  readonly field: string;
  readonly code: string;
  readonly message: string;
}

export function validationDetail(violations: readonly Violation[]): string {
  return el(
    `${T}ValidationFault`,
    { 'xmlns:ns2': ORDERS_NS },
    ...violations.map((violation) =>
      el(
        `${T}violation`,
        undefined,
        textEl(`${T}field`, violation.field),
        textEl(`${T}code`, violation.code),
        textEl(`${T}message`, violation.message),
      ),
    ),
  );
}
