// A floor probe for the REST → SOAP benchmark, not product code: the least a Node translator can do per request
// for peer-bench's GET /api/orders/12345 → GetOrder, to show what the target's layout allows. It has no routing,
// validation, limits, framing checks, timeouts, logging or error handling; it trusts Content-Length and the
// backend's answer. Modes (FLOOR_MODE):
//   none      build the envelope, call the backend, answer fixed JSON: the HTTP work alone
//   ordered   + fast-xml-parser in the preserve-order mode the gateway uses (result unused)
//   default   + fast-xml-parser in its default (object) mode, then pick the fields into the gateway's JSON
// FLOOR_SERVER=raw replaces node:http on the client side with a bare net server that reads only the request line of
// a GET and never checks framing: what a gateway's own HTTP/1.1 server could save at most.
// Usage: FLOOR_MODE=ordered [FLOOR_SERVER=raw] [FLOOR_PORT=8090] node bench/peer/soap-floor.mjs   (backend 127.0.0.1:9003)
import http from 'node:http';
import net from 'node:net';
import { XMLParser } from 'fast-xml-parser';

const MODE = process.env.FLOOR_MODE ?? 'ordered';
const ORDERED = { preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', parseTagValue: false, trimValues: false, htmlEntities: false, jPath: false };
const DEFAULT = { ignoreAttributes: false, removeNSPrefix: true, parseTagValue: false, isArray: (name) => name === 'item' };
const parser = MODE === 'none' ? null : new XMLParser(MODE === 'ordered' ? ORDERED : DEFAULT);

const idle = [];
const queue = [];
let opened = 0;
function connect() {
  const socket = net.connect(9003, '127.0.0.1');
  socket.setNoDelay(true);
  let buffered = '';
  socket.on('data', (data) => {
    buffered += data.toString('latin1');
    const headEnd = buffered.indexOf('\r\n\r\n');
    if (headEnd < 0) return;
    const length = Number(/content-length: *(\d+)/i.exec(buffered.slice(0, headEnd))[1]);
    if (buffered.length < headEnd + 4 + length) return;
    const body = Buffer.from(buffered.slice(headEnd + 4, headEnd + 4 + length), 'latin1').toString('utf8');
    buffered = buffered.slice(headEnd + 4 + length);
    const done = socket.done;
    const next = queue.shift();
    if (next === undefined) idle.push(socket);
    else {
      socket.done = next.done;
      socket.write(next.request);
    }
    done(body);
  });
  return socket;
}
function call(request, done) {
  const socket = idle.pop() ?? (opened < 64 ? (opened++, connect()) : undefined);
  if (socket === undefined) return void queue.push({ request, done });
  socket.done = done;
  socket.write(request);
}

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
const PORT = Number(process.env.FLOOR_PORT ?? 8090);

/** Builds the envelope for `id`, calls the backend, and hands the JSON answer to `reply`. */
function translate(id, reply) {
  const envelope =
    '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ord="http://example.test/orders">' +
    `<soap:Body><ord:GetOrder><ord:orderId>${id.replace(/[&<>]/g, (c) => ESCAPES[c])}</ord:orderId></ord:GetOrder></soap:Body></soap:Envelope>`;
  const head =
    'POST /soap/orders HTTP/1.1\r\nHost: 127.0.0.1:9003\r\nContent-Type: text/xml; charset=utf-8\r\n' +
    `SOAPAction: "http://example.test/orders/GetOrder"\r\nContent-Length: ${Buffer.byteLength(envelope)}\r\n\r\n`;
  call(head + envelope, (xml) => {
    let out = { id };
    if (MODE === 'ordered') parser.parse(xml);
    else if (MODE === 'default') {
      const order = parser.parse(xml).Envelope.Body.GetOrderResponse.order;
      out = {
        id: order.orderId,
        status: order.status,
        customer: order.customer,
        total: order.total,
        items: order.items.item.map((item) => ({ sku: item['@_sku'], name: item.name, quantity: Number(item['@_qty']), unitPrice: item.price })),
      };
    }
    reply(JSON.stringify(out));
  });
}

if (process.env.FLOOR_SERVER === 'raw') {
  net
    .createServer((socket) => {
      socket.setNoDelay(true);
      let pending = '';
      socket.on('data', (data) => {
        pending += data.toString('latin1');
        let end;
        while ((end = pending.indexOf('\r\n\r\n')) !== -1) {
          const line = pending.slice(0, pending.indexOf('\r\n'));
          pending = pending.slice(end + 4);
          const target = line.split(' ')[1] ?? '/';
          translate(target.slice('/api/orders/'.length), (text) =>
            socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\n\r\n${text}`),
          );
        }
      });
      socket.on('error', () => socket.destroy());
    })
    .listen(PORT, '127.0.0.1');
} else {
  http
    .createServer((req, res) =>
      translate(req.url.slice('/api/orders/'.length), (text) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      }),
    )
    .listen(PORT, '127.0.0.1');
}
