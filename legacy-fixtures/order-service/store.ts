/**
 * The order service's in-memory data: customers, a small catalog, pickup stores and seeded orders chosen to
 * exercise the schema (a business customer, nil and empty fields, a quantity past 2^53, several currencies and UTC
 * offsets). Decimal amounts and xs:long quantities stay strings/bigints: never JavaScript numbers.
 */

export type OrderStatus = 'PENDING' | 'CONFIRMED' | 'SHIPPED' | 'DELIVERED' | 'CANCELLED';

export interface Address {
  readonly lines: readonly string[];
  readonly city: string;
  readonly postalCode: string;
  readonly region?: string;
  readonly countryCode: string;
}

export interface Customer {
  readonly id: string;
  readonly name: string;
  readonly email?: string;
  readonly address: Address;
  /** Present for a BusinessCustomer (the complexContent extension of Customer). */
  readonly company?: { readonly name: string; readonly vatId?: string };
}

export interface Line {
  readonly lineNo: number;
  readonly sku: string;
  readonly description: string;
  readonly quantity: bigint;
  /** xs:decimal text with two fraction digits, e.g. "19.90". */
  readonly unitPrice: string;
}

export type Delivery =
  | { readonly kind: 'shipment'; readonly carrier: string; readonly trackingNumber: string | null; readonly shipTo: Address; readonly shippedAt?: string }
  | { readonly kind: 'pickup'; readonly storeId: string; readonly readyFrom: string };

export interface Order {
  readonly id: string;
  status: OrderStatus;
  readonly customer: Customer;
  /** xs:dateTime exactly as the legacy database returns it, offsets included. */
  readonly createdAt: string;
  readonly currency: string;
  readonly lines: readonly Line[];
  readonly delivery: Delivery;
  readonly discountCode?: string;
  /** nillable: null is written as xsi:nil="true", "" as an empty element. */
  readonly notes: string | null;
  cancelledAt?: string;
  /** Who cancelled it, from the CallerContext header of CancelOrder. */
  cancelledBy?: string;
}

export interface CatalogItem {
  readonly description: string;
  readonly unitPrice: string;
}

/** The sum of quantity × unit price, in the order's currency, with two fraction digits. */
export function orderTotal(order: Pick<Order, 'lines'>): string {
  let cents = 0n;
  for (const line of order.lines) cents += line.quantity * BigInt(line.unitPrice.replace('.', ''));
  const text = cents.toString().padStart(3, '0');
  return `${text.slice(0, -2)}.${text.slice(-2)}`;
}

const BERLIN: Address = { lines: ['Hauptstraße 5', 'Hinterhaus, 2. OG'], city: 'Berlin', postalCode: '10115', countryCode: 'DE' };
const LONDON: Address = { lines: ["12 St James's Square"], city: 'London', postalCode: 'SW1Y 4JH', countryCode: 'GB' };
const OAKLAND: Address = { lines: ['500 Embarcadero West', 'Dock 7'], city: 'Oakland', postalCode: '94607', region: 'CA', countryCode: 'US' };
const ARLINGTON: Address = { lines: ['1 Navy Yard Rd'], city: 'Arlington', postalCode: '22202', region: 'VA', countryCode: 'US' };

const CUSTOMERS: readonly Customer[] = [
  {
    id: 'C-1001',
    name: 'Jane Roe',
    email: 'jane.roe@acme-industries.example',
    address: BERLIN,
    company: { name: 'ACME Industries GmbH', vatId: 'DE123456789' },
  },
  { id: 'C-1002', name: 'Ada Lovelace', address: LONDON },
  { id: 'C-1003', name: 'Tom Smith', email: 'purchasing@bulk-fasteners.example', address: OAKLAND, company: { name: 'Bulk Fasteners & Co. Ltd' } },
  { id: 'C-1004', name: 'Grace Hopper', email: 'grace@navy.example', address: ARLINGTON },
];

export const CATALOG: ReadonlyMap<string, CatalogItem> = new Map([
  ['WID-1001', { description: 'Widget, blue', unitPrice: '19.90' }],
  ['WID-1002', { description: 'Widget, red', unitPrice: '19.90' }],
  ['GAD-2001', { description: 'Gadget Pro <2024 edition>', unitPrice: '149.00' }],
  ['SCR-3001', { description: 'Screw M4x10, stainless', unitPrice: '0.01' }],
  ['CAB-4001', { description: 'USB-C cable, 2 m', unitPrice: '9.95' }],
]);

/** Pickup stores; orders placed with a pickup are ready the next day at 10:00 local time. */
export const STORES: ReadonlyMap<string, { readonly name: string; readonly utcOffset: string }> = new Map([
  ['ST-001', { name: 'Berlin Mitte', utcOffset: '+01:00' }],
  ['ST-002', { name: 'London Soho', utcOffset: '+00:00' }],
]);

function line(lineNo: number, sku: string, quantity: bigint, unitPrice?: string): Line {
  const item = CATALOG.get(sku) as CatalogItem;
  return { lineNo, sku, description: item.description, quantity, unitPrice: unitPrice ?? item.unitPrice };
}

function customer(id: string): Customer {
  return CUSTOMERS.find((candidate) => candidate.id === id) as Customer;
}

function seedOrders(): Order[] {
  return [
    {
      id: 'ORD-1001',
      status: 'SHIPPED',
      customer: customer('C-1001'),
      createdAt: '2024-03-11T09:15:00+01:00',
      currency: 'EUR',
      lines: [line(1, 'WID-1001', 4n), line(2, 'GAD-2001', 1n), line(3, 'CAB-4001', 10n)],
      delivery: { kind: 'shipment', carrier: 'DHL', trackingNumber: '00340434161094042557', shipTo: BERLIN, shippedAt: '2024-03-12T16:40:00+01:00' },
      discountCode: 'SPRING24',
      notes: 'Deliver to loading dock B',
    },
    {
      id: 'ORD-1002',
      status: 'PENDING',
      customer: customer('C-1002'),
      createdAt: '2024-04-02T14:03:27Z',
      currency: 'GBP',
      lines: [line(1, 'WID-1002', 2n, '17.50')],
      delivery: { kind: 'pickup', storeId: 'ST-002', readyFrom: '2024-04-03T10:00:00+01:00' },
      notes: null,
    },
    {
      id: 'ORD-1003',
      status: 'CONFIRMED',
      customer: customer('C-1003'),
      createdAt: '2024-05-20T08:00:00-07:00',
      currency: 'USD',
      // 2^53 + 1: a double cannot hold it, so any gateway that goes through Number changes the quantity.
      lines: [line(1, 'SCR-3001', 9007199254740993n)],
      delivery: { kind: 'shipment', carrier: 'UPS Freight', trackingNumber: null, shipTo: OAKLAND },
      notes: 'Split into pallets of 1,000,000',
    },
    {
      id: 'ORD-1004',
      status: 'DELIVERED',
      customer: customer('C-1002'),
      createdAt: '2023-12-01T11:30:00.000Z',
      currency: 'EUR',
      lines: [line(1, 'GAD-2001', 1n, '129.00')],
      delivery: { kind: 'shipment', carrier: 'Royal Mail', trackingNumber: 'RM123456789GB', shipTo: LONDON, shippedAt: '2023-12-02T08:05:00Z' },
      notes: '',
    },
    {
      id: 'ORD-1005',
      status: 'CANCELLED',
      customer: customer('C-1004'),
      createdAt: '2024-01-15T10:00:00-05:00',
      currency: 'USD',
      lines: [line(1, 'CAB-4001', 3n, '11.00')],
      delivery: { kind: 'pickup', storeId: 'ST-001', readyFrom: '2024-01-16T10:00:00+01:00' },
      notes: null,
      cancelledAt: '2024-01-15T12:00:00-05:00',
    },
    {
      id: 'ORD-1006',
      status: 'PENDING',
      customer: customer('C-1004'),
      createdAt: '2024-06-01T09:00:00+02:00',
      currency: 'EUR',
      lines: [line(1, 'WID-1001', 1n)],
      delivery: { kind: 'shipment', carrier: 'DHL', trackingNumber: null, shipTo: ARLINGTON },
      notes: 'Gift wrap, please',
    },
    {
      id: 'ORD-1007',
      status: 'PENDING',
      customer: customer('C-1001'),
      createdAt: '2024-06-03T13:45:10.250+02:00',
      currency: 'EUR',
      lines: [line(1, 'CAB-4001', 2n), line(2, 'WID-1002', 3n)],
      delivery: { kind: 'pickup', storeId: 'ST-001', readyFrom: '2024-06-04T10:00:00+01:00' },
      discountCode: 'STAFF',
      notes: null,
    },
  ];
}

/** The order book of one running service. */
export class OrderStore {
  #orders = new Map<string, Order>();
  #nextId = 1008;

  constructor() {
    this.reset();
  }

  /** Back to the seeded state (the recorder replays its exchanges from here). */
  reset(): void {
    this.#orders = new Map(seedOrders().map((order) => [order.id, order]));
    this.#nextId = 1008;
  }

  get(id: string): Order | undefined {
    return this.#orders.get(id);
  }

  /** Every order, by id. */
  all(): Order[] {
    return [...this.#orders.values()].sort((a, b) => a.id.length - b.id.length || a.id.localeCompare(b.id));
  }

  customer(id: string): Customer | undefined {
    return CUSTOMERS.find((candidate) => candidate.id === id);
  }

  add(order: Omit<Order, 'id'>): Order {
    const created: Order = { ...order, id: `ORD-${this.#nextId++}` };
    this.#orders.set(created.id, created);
    return created;
  }
}
