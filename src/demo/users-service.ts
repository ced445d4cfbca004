import http from 'node:http';
import {
  createStats,
  methodNotAllowed,
  notFound,
  parseUrl,
  readJsonObject,
  segmentAfter,
  sendJson,
  type DemoRequest,
  type DemoResponse,
  listen,
  type DemoService,
} from './demo-http.js';
import { handleTestEndpoint } from './test-endpoints.js';

export type { DemoService } from './demo-http.js';

export interface User {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly tags: readonly string[];
}

const FIRST = ['Grace', 'Ada', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Margaret', 'Ken', 'Frances', 'John'];
const LAST = ['Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Lovelace', 'Knuth', 'Hamilton', 'Thompson', 'Allen', 'Backus'];
const TAGS = ['admin', 'ops', 'dev', 'sales'] as const;

/**
 * The 100 deterministic users (ids "1"…"100"). Names combine FIRST[(id-1) % 10] and LAST[floor((id-1) / 10)], so
 * id 42 is Ada Lovelace; she keeps the short address the examples use.
 */
export function demoUser(id: number): User {
  const first = FIRST[(id - 1) % FIRST.length] as string;
  const last = LAST[Math.floor((id - 1) / FIRST.length) % LAST.length] as string;
  const email = id === 42 ? 'ada@example.com' : `${first}.${last}.${id}@example.com`.toLowerCase();
  const tags = TAGS.filter((_tag, index) => (id + index * 3) % (index + 2) === 0);
  return { id: String(id), name: `${first} ${last}`, email, tags };
}

const RECOMMENDATIONS_SUFFIX = '/recommendations';

/** How long the recommendations of every 10th user (10, 20, …) take: longer than a sensible optional-step timeout. */
export const SLOW_RECOMMENDATIONS_MS = 1_000;

/** Three deterministic, distinct SKUs (of the inventory's SKU-1…SKU-50) recommended to user `id`. */
export function demoRecommendations(id: number): string[] {
  const base = Number.isInteger(id) && id > 0 ? id : 1;
  return [0, 17, 34].map((offset) => `SKU-${((base * 3 + offset) % 50) + 1}`);
}

const BASE_USERS: readonly User[] = Array.from({ length: 100 }, (_value, index) => demoUser(index + 1));

/**
 * Starts the demo users service: HTTP/1.1 (node:http, keep-alive) with deterministic data.
 *
 * - `GET /users/{id}` → 200 user (ids 1–100 and created ones), else 404 `{"error":"not found"}`
 * - `GET /users?limit=N&tag=x[&tag=y]` → `{"items":[...],"total":n}` (users with any of the tags; limit 1–100, 20)
 * - `POST /users` (JSON `{name, email, tags?}`) → 201 user with id "101", "102", … and a `location` header
 * - `GET /users/{id}/recommendations` → `{"userId":"42","skus":["SKU-…", …]}` (three SKUs, see
 *   {@link demoRecommendations}); for every 10th user the recommender is slow ({@link SLOW_RECOMMENDATIONS_MS}), so
 *   an aggregation can show an optional step timing out
 * - `GET /health` → `{"status":"ok"}`, plus the `/_test/` endpoints (see test-endpoints.ts).
 */
export async function startUsersService(opts: { host?: string; port?: number }): Promise<DemoService> {
  const stats = createStats();
  const created = new Map<string, User>();
  let nextId = 101;

  const server = http.createServer({ keepAlive: true }, (req, res) => {
    stats.requests++;
    const url = parseUrl(req);
    if (url.pathname.startsWith('/_test/') && handleTestEndpoint(req, res, url, stats)) return;
    void route(req, res, url);
  });
  server.keepAliveTimeout = 5_000;
  server.on('connection', () => stats.connections++);

  async function route(req: DemoRequest, res: DemoResponse, url: URL): Promise<void> {
    const path = url.pathname;
    if (path === '/health') {
      sendJson(res, 200, { status: 'ok' });
      return;
    }
    if (path === '/users') {
      if (req.method === 'GET' || req.method === 'HEAD') return listUsers(res, url);
      if (req.method === 'POST') return createUser(req, res);
      return methodNotAllowed(res, 'GET, HEAD, POST');
    }
    if (path.endsWith(RECOMMENDATIONS_SUFFIX)) {
      const owner = segmentAfter(path.slice(0, -RECOMMENDATIONS_SUFFIX.length), '/users/');
      if (owner !== undefined) return recommendations(req, res, owner);
    }
    const id = segmentAfter(path, '/users/');
    if (id !== undefined) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed(res, 'GET, HEAD');
      const user = findUser(id);
      if (user === undefined) return notFound(res);
      return sendJson(res, 200, user);
    }
    req.resume();
    notFound(res);
  }

  function findUser(id: string): User | undefined {
    if (/^[1-9][0-9]*$/.test(id)) {
      const number = Number(id);
      if (number <= BASE_USERS.length) return BASE_USERS[number - 1];
    }
    return created.get(id);
  }

  function recommendations(req: DemoRequest, res: DemoResponse, id: string): void {
    req.resume();
    if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed(res, 'GET, HEAD');
    const user = findUser(id);
    if (user === undefined) return notFound(res);
    const body = { userId: user.id, skus: demoRecommendations(Number(user.id)) };
    if (Number(user.id) % 10 !== 0) return sendJson(res, 200, body);
    const timer = setTimeout(() => sendJson(res, 200, body), SLOW_RECOMMENDATIONS_MS);
    res.once('close', () => {
      if (res.writableEnded) return;
      clearTimeout(timer);
      stats.cancelled++;
    });
  }

  function listUsers(res: DemoResponse, url: URL): void {
    const limitParam = Number(url.searchParams.get('limit') ?? 20);
    const limit = Number.isInteger(limitParam) ? Math.min(Math.max(limitParam, 1), 100) : 20;
    const tags = url.searchParams.getAll('tag');
    const all = [...BASE_USERS, ...created.values()];
    const matching = tags.length === 0 ? all : all.filter((user) => user.tags.some((tag) => tags.includes(tag)));
    sendJson(res, 200, { items: matching.slice(0, limit), total: matching.length });
  }

  async function createUser(req: DemoRequest, res: DemoResponse): Promise<void> {
    const input = await readJsonObject(req);
    const name = input?.name;
    const email = input?.email;
    const tags = input?.tags ?? [];
    if (typeof name !== 'string' || typeof email !== 'string' || !Array.isArray(tags)) {
      sendJson(res, 400, { error: 'expected a JSON object with string "name" and "email"' });
      return;
    }
    const user: User = { id: String(nextId++), name, email, tags: tags.filter((tag) => typeof tag === 'string') };
    created.set(user.id, user);
    sendJson(res, 201, user, { location: `/users/${user.id}` });
  }

  return listen(server, opts, stats, 'http');
}
