import { expect, it } from 'vitest';
import { createAccessLog } from '../../src/observability/access-log.js';

it('writes one pino-shaped JSON line per request, escaping what the client controls', () => {
  const lines: string[] = [];
  const log = createAccessLog({ write: (line: string) => lines.push(line) }, 'protogate');
  log.write('r-1', 'GET', '/api/"x"\\\n', 'getUser', 200, 1.23456, 'users', 88, 'HTTP/1.1');
  log.write('r-2', 'GET', '/nope', undefined, 404, 0.5, undefined, 120, 'HTTP/2');
  expect(lines).toHaveLength(0); // handed over once per event-loop turn
  log.flush();
  expect(lines).toHaveLength(1);
  lines.splice(0, 1, ...(lines[0] as string).split(/(?<=\n)/));
  expect(lines).toHaveLength(2);
  expect(lines.every((line) => line.endsWith('}\n') && !line.slice(0, -1).includes('\n'))).toBe(true);
  const first = JSON.parse(lines[0] as string) as Record<string, unknown>;
  expect(typeof first.time).toBe('string');
  expect(Number.isNaN(Date.parse(first.time as string))).toBe(false);
  expect({ ...first, time: 'T' }).toEqual({
    level: 30,
    time: 'T',
    service: 'protogate',
    msg: 'request',
    requestId: 'r-1',
    method: 'GET',
    path: '/api/"x"\\\n',
    operationId: 'getUser',
    status: 200,
    durationMs: 1.235,
    upstream: 'users',
    bytesOut: 88,
    protocol: 'HTTP/1.1',
  });
  expect({ ...(JSON.parse(lines[1] as string) as Record<string, unknown>), time: 'T' }).toEqual({
    level: 30,
    time: 'T',
    service: 'protogate',
    msg: 'request',
    requestId: 'r-2',
    method: 'GET',
    path: '/nope',
    status: 404,
    durationMs: 0.5,
    bytesOut: 120,
    protocol: 'HTTP/2',
  });
});
