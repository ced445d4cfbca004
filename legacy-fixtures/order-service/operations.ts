import {
  orderAlreadyShippedDetail,
  orderNotFoundDetail,
  orderSummaryXml,
  orderXml,
  responseWrapper,
  validationDetail,
  type Violation,
} from './order-xml.js';
import { CALLER_CONTEXT, CANCEL_ORDER, CREATE_ORDER, GET_ORDER, LIST_ORDERS, ORDERS_NS } from './request-schema.js';
import type { Decoded, DecodedObject, ElementDecl } from './schema-decoder.js';
import { SoapFault } from './soap-protocol.js';
import { CATALOG, STORES, type Address, type Line, type Order, type OrderStore, type OrderStatus } from './store.js';
import { textEl } from './xml-writer.js';

/** What an operation handler can use: the order book and the service clock. */
export interface OperationContext {
  readonly store: OrderStore;
  readonly now: () => Date;
  /** When the service started, by its own clock. */
  readonly startedAt: Date;
}

/** One operation of a binding: the request element it is dispatched by, its SOAPAction, and its logic. */
export interface Operation {
  readonly name: string;
  readonly request: ElementDecl;
  readonly soapAction: string;
  /** The header blocks its binding declares (soap:header): understood even with mustUnderstand, and decoded. */
  readonly headers?: readonly ElementDecl[];
  /** Returns the serialized response wrapper, or throws a SoapFault. `headers` holds the declared blocks sent. */
  handle(input: DecodedObject, context: OperationContext, headers: Readonly<Record<string, DecodedObject>>): string;
}

/** An order id the "database" fails on: the way to get a Server / Receiver fault out of the service. */
export const FAILING_ORDER_ID = 'ORD-0000';

const MAX_LINES = 50;
const DEFAULT_PAGE_SIZE = 10;

function text(input: DecodedObject, name: string): string | undefined {
  const value = input[name];
  return typeof value === 'string' ? value : undefined;
}

function objects(value: Decoded | undefined): DecodedObject[] {
  return Array.isArray(value) ? (value as DecodedObject[]) : [];
}

function findOrder(context: OperationContext, orderId: string): Order {
  if (orderId === FAILING_ORDER_ID) {
    throw new SoapFault({ code: 'Server', reason: 'ORA-12170: TNS:Connect timeout occurred (order database unavailable)' });
  }
  const order = context.store.get(orderId);
  if (order === undefined) {
    throw new SoapFault({
      code: 'Client',
      reason: `Order ${orderId} not found`,
      subcode: { ns: ORDERS_NS, local: 'OrderNotFound' },
      detail: orderNotFoundDetail(orderId),
    });
  }
  return order;
}

const getOrder: Operation = {
  name: 'GetOrder',
  request: GET_ORDER,
  soapAction: 'urn:acme:orders:v1/GetOrder',
  handle(input, context) {
    return responseWrapper('GetOrderResponse', orderXml(findOrder(context, text(input, 'orderId') as string)));
  },
};

const listOrders: Operation = {
  name: 'ListOrders',
  request: LIST_ORDERS,
  soapAction: 'urn:acme:orders:v1/ListOrders',
  handle(input, context) {
    const status = text(input, 'status');
    const customerId = text(input, 'customerId');
    const page = Number(text(input, 'page') ?? '1');
    const pageSize = Number(text(input, 'pageSize') ?? String(DEFAULT_PAGE_SIZE));
    if (page < 1) throw new SoapFault({ code: 'Client', reason: `page must be 1 or more, got ${page}` });
    const matching = context.store
      .all()
      .filter((order) => (status === undefined || order.status === status) && (customerId === undefined || order.customer.id === customerId));
    const start = (page - 1) * pageSize;
    const slice = matching.slice(start, start + pageSize);
    const more = start + pageSize < matching.length;
    return responseWrapper(
      'ListOrdersResponse',
      ...slice.map(orderSummaryXml),
      textEl('ns2:totalCount', String(matching.length)),
      more ? textEl('ns2:nextPage', String(page + 1)) : '',
    );
  },
};

/** Business rules the schema cannot express; all violations are reported at once in a ValidationFault. */
function validateNewOrder(input: DecodedObject, context: OperationContext): { lines: Line[]; violations: Violation[] } {
  const violations: Violation[] = [];
  const customerId = text(input, 'customerId') as string;
  if (context.store.customer(customerId) === undefined) {
    violations.push({ field: 'customerId', code: 'UNKNOWN_CUSTOMER', message: `No customer with id ${customerId}` });
  }
  const requested = objects((input['lines'] as DecodedObject)['line']);
  if (requested.length > MAX_LINES) {
    violations.push({ field: 'lines', code: 'TOO_MANY_LINES', message: `At most ${MAX_LINES} lines per order` });
  }
  const lines: Line[] = [];
  requested.forEach((line, index) => {
    const field = `lines/line[${index + 1}]`;
    const sku = text(line, 'sku') as string;
    const quantity = BigInt(text(line, 'quantity') as string);
    const item = CATALOG.get(sku);
    if (item === undefined) violations.push({ field: `${field}/sku`, code: 'UNKNOWN_SKU', message: `SKU ${sku} is not in the catalog` });
    if (quantity < 1n) violations.push({ field: `${field}/quantity`, code: 'QUANTITY_NOT_POSITIVE', message: 'Quantity must be at least 1' });
    if (item !== undefined) lines.push({ lineNo: index + 1, sku, description: item.description, quantity, unitPrice: item.unitPrice });
  });
  const storeId = text(input, 'pickupStoreId');
  if (storeId !== undefined && !STORES.has(storeId)) {
    violations.push({ field: 'pickupStoreId', code: 'UNKNOWN_STORE', message: `No pickup store ${storeId}` });
  }
  return { lines, violations };
}

function toAddress(value: DecodedObject): Address {
  const region = text(value, 'region');
  return {
    lines: (value['line'] as readonly string[]).slice(),
    city: text(value, 'city') as string,
    postalCode: text(value, 'postalCode') as string,
    ...(region === undefined ? {} : { region }),
    countryCode: text(value, 'countryCode') as string,
  };
}

/** xs:dateTime of `date` in UTC, with milliseconds, as the service's own clock writes it. */
function timestamp(date: Date): string {
  return date.toISOString();
}

/** 10:00 local time at the store on the day after `date`. */
function pickupReadyFrom(date: Date, storeId: string): string {
  const next = new Date(date.getTime() + 86_400_000).toISOString().slice(0, 10);
  return `${next}T10:00:00${STORES.get(storeId)?.utcOffset ?? 'Z'}`;
}

const createOrder: Operation = {
  name: 'CreateOrder',
  request: CREATE_ORDER,
  soapAction: 'urn:acme:orders:v1/CreateOrder',
  handle(input, context) {
    const { lines, violations } = validateNewOrder(input, context);
    if (violations.length > 0) {
      throw new SoapFault({
        code: 'Client',
        reason: `Order rejected: ${violations.length} validation error${violations.length === 1 ? '' : 's'}`,
        subcode: { ns: ORDERS_NS, local: 'ValidationFault' },
        detail: validationDetail(violations),
      });
    }
    const customer = context.store.customer(text(input, 'customerId') as string);
    const now = context.now();
    const shipTo = input['shipTo'];
    const storeId = text(input, 'pickupStoreId');
    const discountCode = text(input, 'discountCode');
    const notes = input['notes'];
    const order = context.store.add({
      status: 'PENDING',
      customer: customer as NonNullable<typeof customer>,
      createdAt: timestamp(now),
      currency: 'EUR',
      lines,
      delivery:
        storeId !== undefined
          ? { kind: 'pickup', storeId, readyFrom: pickupReadyFrom(now, storeId) }
          : { kind: 'shipment', carrier: 'DHL', trackingNumber: null, shipTo: toAddress(shipTo as DecodedObject) },
      ...(discountCode === undefined ? {} : { discountCode }),
      // Absent and nil both store as nil: the column is nullable and the service does not tell them apart.
      notes: typeof notes === 'string' ? notes : null,
    });
    return responseWrapper('CreateOrderResponse', orderXml(order));
  },
};

const SHIPPED: readonly OrderStatus[] = ['SHIPPED', 'DELIVERED'];

const cancelOrder: Operation = {
  name: 'CancelOrder',
  request: CANCEL_ORDER,
  soapAction: 'urn:acme:orders:v1/CancelOrder',
  headers: [CALLER_CONTEXT],
  handle(input, context, headers) {
    const order = findOrder(context, text(input, 'orderId') as string);
    if (SHIPPED.includes(order.status)) {
      // A declared fault that the service raises as a Server fault, as JAX-WS does for checked exceptions: the
      // fault code says nothing reliable, the detail element does.
      throw new SoapFault({
        code: 'Server',
        reason: `Order ${order.id} has already been ${order.status.toLowerCase()} and cannot be cancelled`,
        subcode: { ns: ORDERS_NS, local: 'OrderAlreadyShipped' },
        detail: orderAlreadyShippedDetail(order),
      });
    }
    // Cancelling twice is idempotent: the second call reports the first cancellation.
    if (order.status !== 'CANCELLED') {
      order.status = 'CANCELLED';
      order.cancelledAt = timestamp(context.now());
      // The audit trail: the CallerContext header's operator, else its channel; nothing when no header came.
      const caller = headers['CallerContext'];
      if (caller !== undefined) order.cancelledBy = text(caller, 'operator') ?? (text(caller, 'channel') as string);
    }
    return responseWrapper(
      'CancelOrderResponse',
      textEl('ns2:orderId', order.id),
      textEl('ns2:status', order.status),
      textEl('ns2:cancelledAt', order.cancelledAt as string),
      order.cancelledBy === undefined ? '' : textEl('ns2:cancelledBy', order.cancelledBy),
    );
  },
};

/** The operations of OrderPortType, bound alike on the SOAP 1.1 and the SOAP 1.2 port. */
export const ORDER_OPERATIONS: readonly Operation[] = [getOrder, listOrders, createOrder, cancelOrder];
