import type { IncomingMessage, ServerResponse } from 'node:http';
import { orderSummaryXml, orderXml, responseWrapper } from './order-xml.js';
import { envelope, PROLOG, type SoapVersion } from './soap-protocol.js';
import type { Order } from './store.js';

/**
 * The ways this fixture can misbehave on purpose, so the gateway's tests can meet what broken or hostile legacy
 * servers send. Selected per request with `X-Fixture-Mode: <mode>` or the path prefix `/fixture/<mode>` (see
 * service.ts); `X-Fixture-Delay-Ms` or `?delayMs=` sets the delay of the slow modes.
 */
export const FIXTURE_MODES = [
  'html-error',
  'not-xml',
  'xxe',
  'billion-laughs',
  'deep-nesting',
  'huge',
  'slow',
  'slow-body',
  'connection-reset',
] as const;

export type FixtureMode = (typeof FIXTURE_MODES)[number];

export function isFixtureMode(value: string): value is FixtureMode {
  return (FIXTURE_MODES as readonly string[]).includes(value);
}

export const DEFAULT_DELAY_MS = 5_000;
/** The size of the `huge` response: 100 MiB of well-formed XML, streamed. */
export const HUGE_BYTES = 100 * 1024 * 1024;
export const DEEP_NESTING_LEVELS = 10_000;

/** A complete answer of the service, before it is written. */
export interface Reply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface MisbehaviourContext {
  readonly version: SoapVersion;
  /** The seeded order the hostile payloads are built around. */
  readonly sample: Order;
  readonly delayMs: number;
  /** The answer the service would have given, for the slow modes. */
  readonly reply: () => Reply;
}

const HTML_ERROR_PAGE =
  '<!doctype html><html lang="en"><head><title>HTTP Status 500 – Internal Server Error</title>' +
  '<style type="text/css">body {font-family:Tahoma,Arial,sans-serif;} h1 {color:white;background-color:#525D76;}</style>' +
  '</head><body><h1>HTTP Status 500 – Internal Server Error</h1><hr class="line" />' +
  '<p><b>Type</b> Exception Report</p><p><b>Message</b> Servlet.service() for servlet [OrderServiceServlet] threw exception</p>' +
  '<p><b>Description</b> The server encountered an unexpected condition that prevented it from fulfilling the request.</p>' +
  '<p><b>Exception</b></p><pre>java.lang.NullPointerException\n\tat com.acme.orders.OrderEndpoint.getOrder(OrderEndpoint.java:212)\n</pre>' +
  '<hr class="line" /><h3>Apache Tomcat/8.5.34</h3></body></html>';

function xmlHeaders(version: SoapVersion): Record<string, string> {
  return { 'content-type': `${version.mediaType}; charset=utf-8` };
}

/** A real GetOrder response with a DTD spliced in after the prolog and an entity reference in the customer name. */
function withDoctype(context: MisbehaviourContext, internalSubset: string, reference: string): string {
  const normal = envelope(context.version, context.version.id === '1.1' ? 'soap' : 'env', responseWrapper('GetOrderResponse', orderXml(context.sample)));
  const root = context.version.id === '1.1' ? 'soap:Envelope' : 'env:Envelope';
  const hostile = normal.replace(`<ns2:name>`, `<ns2:name>${reference}`);
  return `${PROLOG}\n<!DOCTYPE ${root} [\n${internalSubset}]>\n${hostile.slice(PROLOG.length)}`;
}

function billionLaughs(): string {
  let subset = '  <!ENTITY lol0 "lol">\n';
  for (let level = 1; level <= 9; level++) subset += `  <!ENTITY lol${level} "${`&lol${level - 1};`.repeat(10)}">\n`;
  return subset;
}

function deepNesting(version: SoapVersion): string {
  const prefix = version.id === '1.1' ? 'soap' : 'env';
  const inner = '<ns2:order>'.repeat(DEEP_NESTING_LEVELS) + '</ns2:order>'.repeat(DEEP_NESTING_LEVELS);
  return envelope(version, prefix, responseWrapper('GetOrderResponse', inner));
}

/** Writes `reply` now, with an exact Content-Length. */
export function sendReply(res: ServerResponse, reply: Reply): void {
  res.writeHead(reply.status, { ...reply.headers, 'content-length': String(Buffer.byteLength(reply.body)) });
  res.end(reply.body);
}

/** Runs `mode` on an exchange whose request body has been read. */
export function misbehave(mode: FixtureMode, req: IncomingMessage, res: ServerResponse, context: MisbehaviourContext): void {
  switch (mode) {
    case 'html-error':
      return sendReply(res, { status: 500, headers: { 'content-type': 'text/html;charset=utf-8' }, body: HTML_ERROR_PAGE });
    case 'not-xml':
      // Announced as XML, but a proxy's plain-text notice: the parser, not the status, has to catch it.
      return sendReply(res, { status: 200, headers: xmlHeaders(context.version), body: 'Service temporarily unavailable. Please try again later.\n' });
    case 'xxe':
      return sendReply(res, {
        status: 200,
        headers: xmlHeaders(context.version),
        body: withDoctype(context, '  <!ENTITY xxe SYSTEM "file:///etc/passwd">\n', '&xxe;'),
      });
    case 'billion-laughs':
      return sendReply(res, { status: 200, headers: xmlHeaders(context.version), body: withDoctype(context, billionLaughs(), '&lol9;') });
    case 'deep-nesting':
      return sendReply(res, { status: 200, headers: xmlHeaders(context.version), body: deepNesting(context.version) });
    case 'huge':
      return streamHuge(res, context);
    case 'slow':
      return later(res, context.delayMs, () => sendReply(res, context.reply()));
    case 'slow-body':
      return slowBody(res, context);
    case 'connection-reset':
      // A TCP RST instead of an answer: what a crashed worker or a stateful firewall produces.
      req.socket.resetAndDestroy();
      return;
  }
}

function later(res: ServerResponse, delayMs: number, action: () => void): void {
  const timer = setTimeout(action, delayMs);
  res.once('close', () => clearTimeout(timer));
}

/** Headers and the first half of the answer at once, the rest after the delay: a read timeout, not a connect one. */
function slowBody(res: ServerResponse, context: MisbehaviourContext): void {
  const reply = context.reply();
  const half = Math.floor(reply.body.length / 2);
  res.writeHead(reply.status, reply.headers);
  res.write(reply.body.slice(0, half));
  later(res, context.delayMs, () => res.end(reply.body.slice(half)));
}

/** A ListOrdersResponse of at least HUGE_BYTES, streamed with back-pressure; stops when the client goes away. */
function streamHuge(res: ServerResponse, context: MisbehaviourContext): void {
  const prefix = context.version.id === '1.1' ? 'soap' : 'env';
  const marker = '<!--rows-->';
  const [head, tail] = envelope(context.version, prefix, responseWrapper('ListOrdersResponse', marker)).split(marker) as [string, string];
  const summary = orderSummaryXml(context.sample);
  const perChunk = Math.ceil(65_536 / summary.length);
  const chunk = Buffer.from(summary.repeat(perChunk));
  let chunksLeft = Math.ceil((HUGE_BYTES - Buffer.byteLength(head)) / chunk.length);
  const closing = `<ns2:totalCount>${chunksLeft * perChunk}</ns2:totalCount>${tail}`;
  res.writeHead(200, xmlHeaders(context.version));
  res.write(head);
  const pump = (): void => {
    while (chunksLeft > 0) {
      if (res.destroyed) return;
      chunksLeft--;
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
    if (!res.destroyed) res.end(closing);
  };
  pump();
}
