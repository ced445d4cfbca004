import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startStreamTimers, type StreamTimings } from '../../src/stages/grpc/stream-timers.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

const TIMINGS: StreamTimings = { firstMessageMs: 100, idleMs: 1_000, maxDurationMs: undefined, heartbeatMs: 0 };

function start(timings: Partial<StreamTimings> = {}) {
  const events = { expired: [] as string[], heartbeats: 0 };
  const timers = startStreamTimers({ ...TIMINGS, ...timings }, {
    expire: (message) => events.expired.push(message),
    heartbeat: () => events.heartbeats++,
  });
  return { timers, events };
}

describe('startStreamTimers', () => {
  it('expires when no first message comes within firstMessageMs, once, and stops everything', () => {
    const { events } = start({ maxDurationMs: 150 });
    vi.advanceTimersByTime(99);
    expect(events.expired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(events.expired).toEqual(['no response message within 100 ms']);
    vi.advanceTimersByTime(5_000);
    expect(events.expired).toHaveLength(1);
  });

  it('the first message disarms the route timeout; activity keeps the idle timer from firing', () => {
    const { timers, events } = start();
    vi.advanceTimersByTime(50);
    timers.activity();
    timers.started(false);
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(900);
      timers.activity();
    }
    expect(events.expired).toEqual([]);
    vi.advanceTimersByTime(999);
    expect(events.expired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(events.expired).toEqual(['no message either way for 1000 ms']);
  });

  it('idleMs 0 never expires; maxDurationMs does, whatever the activity', () => {
    const { timers, events } = start({ idleMs: 0, maxDurationMs: 5_000 });
    timers.started(false);
    vi.advanceTimersByTime(4_999);
    expect(events.expired).toEqual([]);
    timers.activity();
    vi.advanceTimersByTime(1);
    expect(events.expired).toEqual(['the stream reached its maximum duration of 5000 ms']);
  });

  it('heartbeats after heartbeatMs without a write, only once started with a heartbeat wanted', () => {
    const { timers, events } = start({ heartbeatMs: 100, idleMs: 0 });
    vi.advanceTimersByTime(90);
    expect(events.heartbeats).toBe(0);
    timers.started(true);
    vi.advanceTimersByTime(60);
    timers.wrote();
    vi.advanceTimersByTime(60);
    expect(events.heartbeats).toBe(0); // the write pushed it back
    vi.advanceTimersByTime(40);
    expect(events.heartbeats).toBe(1);
    vi.advanceTimersByTime(300);
    expect(events.heartbeats).toBe(4);
    timers.stop();
    vi.advanceTimersByTime(1_000);
    expect(events.heartbeats).toBe(4);
    expect(events.expired).toEqual([]);
  });
});
