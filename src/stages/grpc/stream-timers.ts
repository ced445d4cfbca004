/**
 * The lifetime of a streamed response (server-streaming and bidi routes), as Envoy users expect it: the route
 * timeout bounds the time to the FIRST response message (the response headers are held until then), not the whole
 * stream, so a long-lived watch is not cut after `timeoutMs`; `streamIdleTimeoutMs` ends a stream on which no
 * message went either way for that long (Envoy's `stream_idle_timeout`, 5 minutes by default); the optional
 * `maxStreamDurationMs` ends it that long after it started, whatever it does (Envoy's `max_stream_duration`).
 * Server-Sent Events get a comment line after `sseHeartbeatMs` without any write, so that proxies which drop
 * silent connections keep this one (the WHATWG HTML SSE section suggests a comment line "every 15 seconds or so").
 *
 * Messages are frequent and timers are not free: the idle and heartbeat timers are not re-armed per message; each
 * records the time of the last activity and, when it fires early, sleeps for what is left.
 */

/** The limits of one streamed response, resolved from the route policy at load. */
export interface StreamTimings {
  /** Time to the first response message: the route timeout. */
  readonly firstMessageMs: number;
  /** Time without a message either way after which the stream ends; 0: never. */
  readonly idleMs: number;
  /** Time after which the stream ends, whatever it does; undefined: never. */
  readonly maxDurationMs: number | undefined;
  /** SSE only: time without a write after which a `: keepalive` comment is sent; 0: never. */
  readonly heartbeatMs: number;
}

/** What the timers report. */
export interface StreamTimerEvents {
  /** A limit was reached: the stream ends with DEADLINE_EXCEEDED and this message. Called at most once. */
  expire(message: string): void;
  /** Time for a heartbeat (only after {@link StreamTimers.started} with a heartbeat wanted). */
  heartbeat(): void;
}

/** The running timers of one stream. */
export interface StreamTimers {
  /** A message went either way: the stream is not idle. */
  activity(): void;
  /** The response started (first message): disarms the first-message timer, arms the heartbeat if wanted. */
  started(heartbeat: boolean): void;
  /** Something was written to the client: the next heartbeat is due `heartbeatMs` from now. */
  wrote(): void;
  /** Clears every timer; nothing is reported after. Idempotent. */
  stop(): void;
}

/** Starts the first-message, idle and maximum-duration timers of a stream that starts now. */
export function startStreamTimers(timings: StreamTimings, events: StreamTimerEvents): StreamTimers {
  let stopped = false;
  let lastActivity = performance.now();
  let lastWrite = lastActivity;
  let heartbeatTimer: NodeJS.Timeout | undefined;
  let idleTimer: NodeJS.Timeout | undefined;

  const expire = (message: string): void => {
    if (stopped) return;
    timers.stop();
    events.expire(message);
  };
  let firstTimer: NodeJS.Timeout | undefined = setTimeout(
    () => expire(`no response message within ${timings.firstMessageMs} ms`),
    timings.firstMessageMs,
  );
  const maxTimer =
    timings.maxDurationMs === undefined
      ? undefined
      : setTimeout(() => expire(`the stream reached its maximum duration of ${timings.maxDurationMs} ms`), timings.maxDurationMs);
  const checkIdle = (): void => {
    const left = lastActivity + timings.idleMs - performance.now();
    if (left > 0) idleTimer = setTimeout(checkIdle, Math.ceil(left));
    else expire(`no message either way for ${timings.idleMs} ms`);
  };
  if (timings.idleMs > 0) idleTimer = setTimeout(checkIdle, timings.idleMs);
  const checkHeartbeat = (): void => {
    if (stopped) return;
    const left = lastWrite + timings.heartbeatMs - performance.now();
    if (left <= 0) {
      events.heartbeat();
      lastWrite = performance.now();
    }
    heartbeatTimer = setTimeout(checkHeartbeat, left > 0 ? Math.ceil(left) : timings.heartbeatMs);
  };

  const timers: StreamTimers = {
    activity() {
      lastActivity = performance.now();
    },
    started(heartbeat) {
      clearTimeout(firstTimer);
      firstTimer = undefined;
      if (stopped || !heartbeat || timings.heartbeatMs <= 0) return;
      lastWrite = performance.now();
      heartbeatTimer = setTimeout(checkHeartbeat, timings.heartbeatMs);
    },
    wrote() {
      lastWrite = performance.now();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      clearTimeout(firstTimer);
      clearTimeout(maxTimer);
      clearTimeout(idleTimer);
      clearTimeout(heartbeatTimer);
    },
  };
  return timers;
}
