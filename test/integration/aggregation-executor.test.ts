import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upstreamSchema } from '../../src/config/schema.js';
import { GatewayError } from '../../src/errors/gateway-error.js';
import { startCartService } from '../../src/demo/cart-service.js';
import type { DemoService } from '../../src/demo/demo-http.js';
import { startInventoryService } from '../../src/demo/inventory-service.js';
import { startUsersService } from '../../src/demo/users-service.js';
import {
  planSteps,
  runSteps,
  StepPlanError,
  type CompiledHttpStep,
  type CompiledStep,
  type RunStepsOptions,
  type StepRequest,
  type StepScope,
} from '../../src/mapping/executor.js';
import { createHttpUpstream } from '../../src/upstreams/http/index.js';
import type { HttpUpstream } from '../../src/upstreams/types.js';

/** The step executor against real backends: the demo services on port 0 and their `/_test/` endpoints. */

let users: DemoService;
let inventory: DemoService;
let carts: DemoService;
/** HTTP/1.1 */
let usersUp: HttpUpstream;
/** HTTP/2 */
let inventoryUp: HttpUpstream;
/** HTTP/1.1 */
let cartsUp: HttpUpstream;
let downUp: HttpUpstream;
const upstreams: HttpUpstream[] = [];

function upstream(name: string, protocol: 'http1' | 'http2', url: string): HttpUpstream {
  const created = createHttpUpstream(name, upstreamSchema.parse({ protocol, targets: [url] }), { baseDir: process.cwd() });
  upstreams.push(created);
  return created;
}

const is2xx = (status: number): boolean => status >= 200 && status < 300;

interface StepInit {
  readonly dependsOn?: readonly string[];
  readonly required?: boolean;
  readonly timeoutMs?: number;
  readonly acceptStatus?: (status: number) => boolean;
  readonly resultBody?: CompiledHttpStep['resultBody'];
}

function step(name: string, target: HttpUpstream, call: string | ((scope: StepScope) => StepRequest), init: StepInit = {}): CompiledStep {
  return {
    name,
    dependsOn: init.dependsOn ?? [],
    required: init.required ?? true,
    timeoutMs: init.timeoutMs ?? 2_000,
    upstream: target,
    buildCall: typeof call === 'string' ? () => ({ method: 'GET', path: call }) : call,
    acceptStatus: init.acceptStatus ?? is2xx,
    resultBody: init.resultBody,
  };
}

const options: RunStepsOptions = { requestId: 'agg-1', requestIdHeader: 'x-request-id' };

async function rejection(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise;
  } catch (error) {
    if (GatewayError.is(error)) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

function planError(run: () => unknown): StepPlanError {
  try {
    run();
  } catch (error) {
    if (error instanceof StepPlanError) return error;
    throw error;
  }
  throw new Error('expected a StepPlanError');
}

async function eventually(check: () => boolean, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

beforeAll(async () => {
  [users, inventory, carts] = await Promise.all([
    startUsersService({ port: 0 }),
    startInventoryService({ port: 0 }),
    startCartService({ port: 0 }),
  ]);
  usersUp = upstream('users', 'http1', users.url);
  inventoryUp = upstream('inventory', 'http2', inventory.url);
  cartsUp = upstream('carts', 'http1', carts.url);
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  downUp = upstream('down', 'http1', `http://127.0.0.1:${port}`);
  // Warm the pools, so timings below measure the steps and not the first connect.
  const warm = { method: 'GET', path: '/health', headers: {}, body: undefined, timeoutMs: 2_000, maxResponseBytes: 1_000, requestId: 'w', requestIdHeader: 'x-request-id' };
  await Promise.all([usersUp.call(warm), inventoryUp.call(warm), cartsUp.call(warm)]);
});

afterAll(async () => {
  await Promise.all(upstreams.map((u) => u.close()));
  await Promise.all([users.close(), inventory.close(), carts.close()]);
});

describe('planSteps (at load)', () => {
  it('reports a cycle naming its steps', () => {
    const error = planError(() =>
      planSteps([
        step('a', usersUp, '/health', { dependsOn: ['b'] }),
        step('b', usersUp, '/health', { dependsOn: ['a'] }),
        step('c', usersUp, '/health'),
      ]),
    );
    expect(error.issues).toEqual([{ kind: 'cycle', step: 'a', message: 'steps form a cycle: a → b → a' }]);
    expect(error.message).toBe('steps form a cycle: a → b → a');
  });

  it('reports a longer cycle and a step depending on itself', () => {
    const error = planError(() =>
      planSteps([
        step('a', usersUp, '/health', { dependsOn: ['c'] }),
        step('b', usersUp, '/health', { dependsOn: ['a'] }),
        step('c', usersUp, '/health', { dependsOn: ['b'] }),
        step('d', usersUp, '/health', { dependsOn: ['d'] }),
      ]),
    );
    expect(error.issues.map((issue) => issue.message)).toEqual(['steps form a cycle: a → c → b → a', 'steps form a cycle: d → d']);
  });

  it('reports unknown dependencies with the steps that exist', () => {
    const error = planError(() => planSteps([step('cart', cartsUp, '/carts/1'), step('products', inventoryUp, '/items', { dependsOn: ['crat'] })]));
    expect(error.issues).toEqual([
      {
        kind: 'unknown-dependency',
        step: 'products',
        message: 'step "products" depends on unknown step "crat" (the steps are "cart", "products")',
      },
    ]);
  });

  it('reports duplicate names and a required step behind an optional one', () => {
    const error = planError(() =>
      planSteps([
        step('recs', usersUp, '/health', { required: false }),
        step('recs', usersUp, '/health'),
        step('details', inventoryUp, '/health', { dependsOn: ['recs'] }),
      ]),
    );
    expect(error.issues.map((issue) => issue.kind)).toEqual(['duplicate-step', 'required-after-optional']);
    expect(error.issues[1]?.message).toBe(
      'step "details" is required but depends on optional step "recs": it could not run when "recs" fails; make "details" optional or "recs" required',
    );
  });

  it('returns a frozen plan with roots and dependents resolved', () => {
    const plan = planSteps([
      step('cart', cartsUp, '/carts/1'),
      step('recs', usersUp, '/users/1/recommendations', { required: false }),
      step('products', inventoryUp, '/items', { dependsOn: ['cart', 'cart'] }),
    ]);
    expect(plan.roots).toEqual([0, 1]);
    expect(plan.steps[0]?.dependents).toEqual([2]);
    expect(plan.steps[2]?.dependencies).toEqual([0]);
    expect(Object.isFrozen(plan)).toBe(true);
    expect(Object.isFrozen(plan.steps)).toBe(true);
    expect(Object.isFrozen(plan.steps[2]?.dependencies)).toBe(true);
  });
});

describe('runSteps', () => {
  it('runs independent steps in parallel: two 100 ms steps take ~100 ms, not 200', async () => {
    const plan = planSteps([step('a', usersUp, '/_test/slow?ms=100'), step('b', inventoryUp, '/_test/slow?ms=100')]);
    const started = performance.now();
    const outcome = await runSteps(plan, {}, options);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(95);
    expect(elapsed).toBeLessThan(180);
    expect(outcome.results.a?.body).toEqual({ sleptMs: 100 });
    expect(outcome.results.b?.body).toEqual({ sleptMs: 100 });
    expect(outcome.results.b?.status).toBe(200);
    expect(outcome.results.b?.headers['content-type']).toBe('application/json');
    expect(outcome.partial).toEqual([]);
  });

  it('starts a dependent step when its dependency finished, with exactly its dependencies in scope', async () => {
    const seen: { at: number; scope: StepScope }[] = [];
    let started = 0;
    const plan = planSteps([
      step('fast', usersUp, '/_test/slow?ms=50'),
      step('slow', inventoryUp, '/_test/slow?ms=200'),
      step('after', cartsUp, (scope) => {
        seen.push({ at: performance.now() - started, scope });
        return { method: 'POST', path: '/_test/echo', body: { got: scope.steps.fast?.body } };
      }, { dependsOn: ['fast'] }),
    ]);
    started = performance.now();
    const outcome = await runSteps(plan, { path: { id: '7' } }, options);
    const elapsed = performance.now() - started;
    // Not level by level: "after" starts at ~50 ms, while "slow" is still running.
    expect(seen).toHaveLength(1);
    expect(seen[0]?.at).toBeGreaterThanOrEqual(45);
    expect(seen[0]?.at).toBeLessThan(150);
    expect(elapsed).toBeLessThan(280);
    expect(Object.keys(seen[0]?.scope.steps ?? {})).toEqual(['fast']);
    expect(seen[0]?.scope.path).toEqual({ id: '7' });
    const echo = outcome.results.after?.body as { body: string; headers: Record<string, string> };
    expect(JSON.parse(echo.body)).toEqual({ got: { sleptMs: 50 } });
    expect(echo.headers['content-type']).toBe('application/json');
    expect(echo.headers['x-request-id']).toBe('agg-1');
  });

  it('runs the cart demo: cart, then one batch call with its SKUs, and an optional recommendations step', async () => {
    const plan = planSteps([
      step('cart', cartsUp, (scope) => ({ method: 'GET', path: `/carts/${(scope.path as { userId: string }).userId}` })),
      step('products', inventoryUp, (scope) => {
        const cart = scope.steps.cart?.body as { items: { productId: string }[] };
        return { method: 'POST', path: '/items:batchGet', body: { skus: cart.items.map((item) => item.productId) } };
      }, { dependsOn: ['cart'] }),
      step('recommendations', usersUp, (scope) => ({ method: 'GET', path: `/users/${(scope.path as { userId: string }).userId}/recommendations` }), {
        required: false,
        timeoutMs: 300,
      }),
    ]);
    const outcome = await runSteps(plan, { path: { userId: '7' } }, options);
    expect(outcome.partial).toEqual([]);
    const cart = outcome.results.cart?.body as { userId: string; items: { productId: string; quantity: number }[] };
    expect(cart.userId).toBe('7');
    expect(cart.items.map((item) => item.productId)).toEqual(['SKU-7', 'SKU-20', 'SKU-33', 'SKU-404']);
    const products = outcome.results.products?.body as { items: { sku: string; name: string; priceCents: number }[] };
    // The discontinued SKU-404 is unknown to the inventory: left out of the batch answer.
    expect(products.items.map((item) => item.sku)).toEqual(['SKU-7', 'SKU-20', 'SKU-33']);
    expect(products.items[0]).toEqual({ sku: 'SKU-7', name: 'Steel Grommet', stock: 16, priceCents: 2599 });
    expect((outcome.results.recommendations?.body as { skus: string[] }).skus).toHaveLength(3);
  });

  it('leaves out an optional step that fails, and skips the optional steps depending on it', async () => {
    let dependentBuilt = false;
    const plan = planSteps([
      step('cart', cartsUp, '/carts/1'),
      step('recs', usersUp, '/_test/status?code=500', { required: false }),
      step('recDetails', inventoryUp, () => {
        dependentBuilt = true;
        return { method: 'GET', path: '/items' };
      }, { required: false, dependsOn: ['recs'] }),
      step('down', downUp, '/anything', { required: false }),
    ]);
    const outcome = await runSteps(plan, {}, options);
    expect(Object.keys(outcome.results)).toEqual(['cart']);
    expect(outcome.partial).toEqual(['recs', 'recDetails', 'down']);
    expect(dependentBuilt).toBe(false);
    expect(outcome.failures.recs?.code).toBe('upstream-bad-response');
    expect(outcome.failures.recs?.detail).toBe('step "recs" (upstream "users") answered with status 500');
    expect(outcome.failures.down?.detail).toBe('step "down" failed: upstream "down" refused the connection');
    expect(outcome.failures.recDetails).toBeUndefined();
  });

  it('leaves out an optional step that times out, without delaying the response beyond its timeout', async () => {
    const before = users.stats.cancelled;
    const plan = planSteps([
      step('cart', cartsUp, '/_test/slow?ms=20'),
      // User 10's recommender is slow (1 s): the demo's optional-step timeout.
      step('recs', usersUp, '/users/10/recommendations', { required: false, timeoutMs: 150 }),
    ]);
    const started = performance.now();
    const outcome = await runSteps(plan, {}, options);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(145);
    expect(elapsed).toBeLessThan(400);
    expect(outcome.partial).toEqual(['recs']);
    expect(outcome.results.cart?.body).toEqual({ sleptMs: 20 });
    expect(outcome.failures.recs?.code).toBe('upstream-timeout');
    expect(outcome.failures.recs?.detail).toBe('step "recs" (upstream "users") timed out after 150 ms');
    await eventually(() => users.stats.cancelled > before);
  });

  it('fails with 502 naming a required step that fails, and cancels the steps still running', async () => {
    const before = inventory.stats.cancelled;
    const plan = planSteps([
      step('cart', cartsUp, '/_test/status?code=503'),
      step('slow', inventoryUp, '/_test/slow?ms=2000'),
    ]);
    const started = performance.now();
    const error = await rejection(runSteps(plan, {}, options));
    expect(performance.now() - started).toBeLessThan(500);
    expect(error.status).toBe(502);
    expect(error.code).toBe('upstream-bad-response');
    expect(error.detail).toBe('step "cart" (upstream "carts") answered with status 503');
    await eventually(() => inventory.stats.cancelled > before);
  });

  it('fails with 502 upstream-unavailable naming the step when its upstream is down', async () => {
    const error = await rejection(runSteps(planSteps([step('cart', downUp, '/carts/1')]), {}, options));
    expect(error.status).toBe(502);
    expect(error.code).toBe('upstream-unavailable');
    expect(error.detail).toBe('step "cart" failed: upstream "down" refused the connection');
  });

  it('fails with 504 naming a required step that times out, and the other running step is cancelled', async () => {
    const before = inventory.stats.cancelled;
    const beforeCarts = carts.stats.cancelled;
    const plan = planSteps([
      step('cart', cartsUp, '/_test/slow?ms=2000', { timeoutMs: 100 }),
      step('inventory', inventoryUp, '/_test/slow?ms=2000'),
    ]);
    const started = performance.now();
    const error = await rejection(runSteps(plan, {}, options));
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(95);
    expect(elapsed).toBeLessThan(400);
    expect(error.status).toBe(504);
    expect(error.code).toBe('upstream-timeout');
    expect(error.detail).toBe('step "cart" (upstream "carts") timed out after 100 ms');
    // Both backends saw their exchange abandoned (the cart's by its timeout, the inventory's by the failure).
    await eventually(() => inventory.stats.cancelled > before && carts.stats.cancelled > beforeCarts);
  });

  it('fails a step whose body is not JSON', async () => {
    const error = await rejection(runSteps(planSteps([step('blob', usersUp, '/_test/download?bytes=10')]), {}, options));
    expect(error.code).toBe('upstream-bad-response');
    expect(error.detail).toBe('step "blob" (upstream "users") answered with a body that is not JSON');
  });

  it('quotes a transform runtime fault of a required step, and leaves out an optional one', async () => {
    const fault = Object.assign(new Error('mappings/cart.yaml:12:9: expected an array, got a string (in `steps.cart.body.items`)'), {
      code: 'TRANSFORM_RUNTIME',
    });
    const failing = (): StepRequest => {
      throw fault;
    };
    const error = await rejection(runSteps(planSteps([step('products', inventoryUp, failing)]), {}, options));
    expect(error.code).toBe('mapping-failed');
    expect(error.detail).toBe(`step "products" could not be built: ${fault.message}`);
    const outcome = await runSteps(planSteps([step('cart', cartsUp, '/carts/1'), step('extra', inventoryUp, failing, { required: false })]), {}, options);
    expect(outcome.partial).toEqual(['extra']);
    expect(outcome.failures.extra?.cause).toBe(fault);
  });

  it('accepts a status the step declares and lets it replace the body before dependents run', async () => {
    const plan = planSteps([
      step('cart', cartsUp, '/carts/999', {
        acceptStatus: (status) => is2xx(status) || status === 404,
        resultBody: (status) => (status === 404 ? { body: { items: [] } } : undefined),
      }),
      step('products', inventoryUp, (scope) => ({
        method: 'POST',
        path: '/items:batchGet',
        body: { skus: (scope.steps.cart?.body as { items: { productId: string }[] }).items.map((item) => item.productId) },
      }), { dependsOn: ['cart'] }),
    ]);
    const outcome = await runSteps(plan, {}, options);
    expect(outcome.results.cart).toMatchObject({ status: 404, body: { items: [] } });
    expect(outcome.results.products?.body).toEqual({ items: [] });
  });

  it('is cancelled as a whole when the client goes away', async () => {
    const beforeUsers = users.stats.cancelled;
    const beforeInventory = inventory.stats.cancelled;
    const controller = new AbortController();
    const plan = planSteps([
      step('a', usersUp, '/_test/slow?ms=2000'),
      step('b', inventoryUp, '/_test/slow?ms=2000', { required: false }),
    ]);
    setTimeout(() => controller.abort(new Error('client closed')), 50);
    const started = performance.now();
    const error = await rejection(runSteps(plan, {}, { ...options, signal: controller.signal }));
    expect(performance.now() - started).toBeLessThan(400);
    expect(error.detail).toBe('the request was cancelled before its steps completed');
    await eventually(() => users.stats.cancelled > beforeUsers && inventory.stats.cancelled > beforeInventory);
  });

  it('bounds every step by the request deadline', async () => {
    const plan = planSteps([step('cart', cartsUp, '/_test/slow?ms=1000', { timeoutMs: 5_000 })]);
    const started = performance.now();
    const error = await rejection(runSteps(plan, {}, { ...options, deadlineMs: performance.now() + 120 }));
    expect(performance.now() - started).toBeLessThan(400);
    expect(error.code).toBe('upstream-timeout');
    expect(error.detail).toMatch(/^step "cart" \(upstream "carts"\) timed out after 1[01][0-9] ms$/);
    const late = await rejection(runSteps(plan, {}, { ...options, deadlineMs: performance.now() - 1 }));
    expect(late.detail).toBe('step "cart" (upstream "carts") was not started: the request\'s deadline had passed');
  });
});
