// CPU per SOAP response read, in this process: the hardened parse (src/xml/parse.ts: prescan, fast-xml-parser, the
// namespace-resolved tree) and the typed read through the codec (classify → readSuccess → type-reader.ts), for
//   - legacy:  legacy-fixtures/order-service/recordings/soap11-get-order.response.xml (2 KB, xsi:type, repeats),
//   - peer:    the GetOrder answer of peer-bench's soap-orders.js backend (the REST → SOAP row of RESULTS.md §7);
// then the mapping executor's own cost per request (runSteps with one SOAP-like step that settles at once and
// attaches to its cancel handle the way the buffered HTTP call does), with each kind of cancel handle the build has.
// About ten seconds in all; the fastest of 5 rounds after a warm-up (the machine is shared: interference only adds).
//
//   npx tsc -p tsconfig.json && node bench/soap-read.mjs
//
// SOAP_READ_DIST points at another build's root to compare two trees (e.g. `npx tsc -p tsconfig.json --outDir
// /tmp/before && ln -s "$PWD/node_modules" /tmp/before/`, then SOAP_READ_DIST=/tmp/before); BENCH_MS sets the time
// per round (default 300).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { XMLParser } from 'fast-xml-parser';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.resolve(process.env.SOAP_READ_DIST ?? path.join(ROOT, 'dist'));
const ROUND_MS = Number(process.env.BENCH_MS ?? 300);
const ROUNDS = 5;

const load = (file) => import(pathToFileURL(path.join(DIST, file)).href);
const { createSoapCodec } = await load('src/soap/codec/index.js');
const { importWsdlSync } = await load('src/soap/wsdl/index.js');
const { parseXml } = await load('src/xml/parse.js');
const { planSteps, runSteps } = await load('src/mapping/executor.js');
// Builds before the Canceller (src/upstreams/canceller.ts) only have AbortSignals.
const { Canceller } = await load('src/upstreams/canceller.js').catch(() => ({ Canceller: undefined }));

function compile(wsdl, portName, operation) {
  const model = importWsdlSync(wsdl, { baseDir: ROOT });
  const codec = createSoapCodec({ types: model.types ?? [] });
  const port = model.services.flatMap((service) => service.ports).find((candidate) => candidate.name === portName);
  const op = port?.operations.find((candidate) => candidate.name === operation);
  if (op === undefined) throw new Error(`no ${portName}/${operation} in ${wsdl}`);
  return codec.compileOperation(port, op, {});
}

// The same bytes as peer-bench's backends/soap-orders.js orderResponse('12345').
const PEER_RESPONSE =
  '<?xml version="1.0" encoding="utf-8"?>\n' +
  '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ord="http://example.test/orders"><soap:Body>' +
  '<ord:GetOrderResponse><ord:order><ord:orderId>12345</ord:orderId><ord:status>SHIPPED</ord:status>' +
  '<ord:customer>ACME Corp</ord:customer><ord:total>59.85</ord:total><ord:items>' +
  '<ord:item sku="W-100" qty="2"><ord:name>Widget</ord:name><ord:price>19.95</ord:price></ord:item>' +
  '<ord:item sku="G-200" qty="1"><ord:name>Gadget</ord:name><ord:price>19.95</ord:price></ord:item>' +
  '</ord:items></ord:order></ord:GetOrderResponse></soap:Body></soap:Envelope>';

const cases = [
  {
    name: 'legacy',
    operation: compile('legacy-fixtures/order-service/OrderService.wsdl', 'OrderServiceSoap11Port', 'GetOrder'),
    body: readFileSync(path.join(ROOT, 'legacy-fixtures/order-service/recordings/soap11-get-order.response.xml')),
  },
  { name: 'peer', operation: compile('bench/peer/soap/orders.wsdl', 'OrdersPort', 'GetOrder'), body: Buffer.from(PEER_RESPONSE) },
];

// fast-xml-parser alone, for scale: about parse.ts's options, in preserve-order mode and in its default (unordered) mode.
const FXP_OPTIONS = { ignoreAttributes: false, attributeNamePrefix: '', parseTagValue: false, parseAttributeValue: false, trimValues: false, jPath: false };
const fxpOrdered = new XMLParser({ ...FXP_OPTIONS, preserveOrder: true });
const fxpUnordered = new XMLParser(FXP_OPTIONS);

/** µs per call of `fn`: the fastest of ROUNDS rounds of about ROUND_MS each. */
function measure(fn) {
  const warmEnd = performance.now() + ROUND_MS;
  while (performance.now() < warmEnd) for (let i = 0; i < 100; i++) fn();
  const samples = [];
  for (let round = 0; round < ROUNDS; round++) {
    let calls = 0;
    const start = performance.now();
    let now = start;
    while (now - start < ROUND_MS) {
      for (let i = 0; i < 100; i++) fn();
      calls += 100;
      now = performance.now();
    }
    samples.push(((now - start) * 1000) / calls);
  }
  return Math.min(...samples);
}

console.log(`build: ${path.relative(process.cwd(), DIST) || '.'}   node ${process.version}   µs per response, fastest of ${ROUNDS}×${ROUND_MS} ms`);
console.log('case    bytes  fxp-ordered  fxp-default  parseXml  readResponse');
for (const { name, operation, body } of cases) {
  const response = { status: 200, contentType: 'text/xml; charset=utf-8', body };
  const check = operation.readResponse(response);
  if (check.kind !== 'success') throw new Error(`${name}: ${check.kind} ${check.error?.message}`);
  const text = body.toString('utf8');
  let sink = 0;
  const row = [
    measure(() => (sink += fxpOrdered.parse(text).length)),
    measure(() => (sink += Object.keys(fxpUnordered.parse(text)).length)),
    measure(() => (sink += parseXml(body).children.length)),
    measure(() => (sink += operation.readResponse(response).kind.length)),
  ];
  if (sink === 0) throw new Error('unreachable');
  console.log(`${name.padEnd(6)} ${String(body.byteLength).padStart(6)}  ${row.map((us, i) => us.toFixed(1).padStart(i === 3 ? 12 : i === 2 ? 8 : 11)).join('  ')}`);
}

// The mapping executor per request. The step stands in for a SOAP step's exchange: it attaches to the handle it is
// given as the buffered HTTP call does (an abort listener on `call.signal`, or `call.canceller.target`).
const STEP_RESULT = { status: 200, headers: {}, body: {} };
const listener = { handleEvent() {} };
const soapLikeStep = (attach) => ({ name: 'order', dependsOn: [], required: true, timeoutMs: 5000, protocol: 'soap', upstream: { name: 'soap' }, start: (_scope, call) => (attach(call), Promise.resolve(STEP_RESULT)) });
const viaSignal = planSteps([
  soapLikeStep((call) => {
    const { signal } = call;
    signal.addEventListener('abort', listener, { once: true });
    signal.removeEventListener('abort', listener);
  }),
]);
const viaCanceller = planSteps([
  soapLikeStep((call) => {
    call.canceller.target = listener;
    call.canceller.target = undefined;
  }),
]);
const RUN = { requestId: 'bench', requestIdHeader: 'x-request-id' };

/** µs per awaited call of `once`, as {@link measure}. */
async function measureAsync(once) {
  const warmEnd = performance.now() + ROUND_MS;
  while (performance.now() < warmEnd) for (let i = 0; i < 100; i++) await once();
  const samples = [];
  for (let round = 0; round < ROUNDS; round++) {
    let calls = 0;
    const start = performance.now();
    let now = start;
    while (now - start < ROUND_MS) {
      for (let i = 0; i < 100; i++) await once();
      calls += 100;
      now = performance.now();
    }
    samples.push(((now - start) * 1000) / calls);
  }
  return Math.min(...samples);
}

console.log('\nmapping run (runSteps, one step)                                     µs per request');
const runs = [['request AbortController + signal, step reads call.signal', () => runSteps(viaSignal, {}, { ...RUN, signal: new AbortController().signal })]];
if (Canceller !== undefined) {
  runs.push(['request Canceller, step reads call.signal', () => runSteps(viaSignal, {}, { ...RUN, canceller: new Canceller() })]);
  runs.push(['request Canceller, step hands call.canceller on', () => runSteps(viaCanceller, {}, { ...RUN, canceller: new Canceller() })]);
}
for (const [label, once] of runs) console.log(`${label.padEnd(69)} ${(await measureAsync(once)).toFixed(1).padStart(6)}`);
