// Router lookup micro-benchmark. Build first: `npx tsc -p tsconfig.json`, then `node bench/routing.mjs`.
// ROUTER_MODULE overrides the module path (used to run against a partial build).
import { pathToFileURL } from 'node:url';

const modulePath = process.env.ROUTER_MODULE
  ? pathToFileURL(process.env.ROUTER_MODULE).href
  : new URL('../dist/src/routing/router.js', import.meta.url).href;
const { createRouter } = await import(modulePath);

/** Realistic templates: a collection route, an item route with a param and a nested sub-resource per resource. */
function entries(count) {
  const out = [];
  for (let i = 0; out.length < count; i++) {
    out.push({ method: 'GET', template: `/api/v1/resource${i}`, value: out.length });
    out.push({ method: 'GET', template: `/api/v1/resource${i}/{id}`, value: out.length });
    out.push({ method: 'PUT', template: `/api/v1/resource${i}/{id}`, value: out.length });
    out.push({ method: 'GET', template: `/api/v1/resource${i}/{id}/sub${i % 5}`, value: out.length });
    out.push({ method: 'GET', template: `/api/v1/resource${i}/{id}/sub${i % 5}/{subId}`, value: out.length });
  }
  return out.slice(0, count);
}

function concrete(template) {
  return template.replace(/\{[^}]+\}/g, 'abc123');
}

const BUDGET_NS = 250_000_000n; // per case: 12 cases ≈ 3 s in total

function measure(router, method, path) {
  let sink = 0;
  for (let i = 0; i < 20_000; i++) sink += router.find(method, path).kind.length; // warm-up
  let n = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0n;
  while (elapsed < BUDGET_NS) {
    for (let i = 0; i < 10_000; i++) sink += router.find(method, path).kind.length;
    n += 10_000;
    elapsed = process.hrtime.bigint() - start;
  }
  if (sink === 0) console.log('');
  return Number(elapsed) / n;
}

const rows = [];
for (const size of [10, 5000]) {
  const list = entries(size);
  const router = createRouter(list);
  const first = list[0];
  const last = list[list.length - 1];
  const param = list.find((e, i) => i > size / 2 && e.template.endsWith('{id}'));
  const cases = [
    ['hit first (static)', first.method, concrete(first.template)],
    ['hit last', last.method, concrete(last.template)],
    ['hit param', param.method, concrete(param.template)],
    ['miss', 'GET', '/api/v1/nothing/here'],
  ];
  for (const [name, method, path] of cases) {
    const kind = router.find(method, path).kind;
    const ns = measure(router, method, path);
    rows.push({ routes: size, case: name, path, kind, 'ns/lookup': ns.toFixed(1), 'lookups/s': Math.round(1e9 / ns).toLocaleString('en-US') });
  }
}
console.table(rows);
