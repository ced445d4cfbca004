import http2 from 'node:http2';
import type { ClientHttp2Session, SecureClientSessionOptions } from 'node:http2';
import { ConnectTimeoutError, tlsClientOptions, type TlsMaterial, type UpstreamTarget } from './targets.js';

/** Error code of a TLS upstream that completed the handshake without selecting `h2` by ALPN. */
export const NO_H2_CODE = 'PROTOGATE_NO_H2';
/** Error code of a request made on a pool that was closed. */
export const POOL_CLOSED_CODE = 'PROTOGATE_POOL_CLOSED';

/** The upstream spoke TLS but did not negotiate HTTP/2 (RFC 9113 §3.2: `h2` is identified by ALPN). */
export class NoH2Error extends Error {
  readonly code = NO_H2_CODE;
  constructor(negotiated: string | false | undefined) {
    super(`the server did not negotiate h2 by ALPN (got ${negotiated === undefined || negotiated === false ? 'none' : negotiated})`);
    this.name = 'NoH2Error';
  }
}

export interface H2SessionPoolOptions {
  /** Sessions kept per target; requests are spread over them round robin. */
  readonly maxSessions: number;
  /** Time allowed for TCP connect + TLS handshake + the server's SETTINGS. */
  readonly connectMs: number;
  readonly tls: TlsMaterial | undefined;
  /** PING period; a PING still unanswered one period later destroys the session. Default 30 000. */
  readonly pingIntervalMs?: number;
  /** Grace given to in-flight streams by `close()` before sessions are destroyed. Default 1 000. */
  readonly closeGraceMs?: number;
}

/**
 * Long-lived HTTP/2 sessions to one target. `http://` targets are h2c with prior knowledge (RFC 9113 §3.3),
 * `https://` targets TLS with ALPN `h2` only. Sessions are opened lazily, replaced lazily after `close`, `goaway`
 * or `error`, kept alive by PING, and never opened per request.
 */
export interface H2SessionPool {
  /**
   * A connected session, synchronously when one is ready, else a promise for the one being opened. The promise
   * rejects with the connect error (ECONNREFUSED, TLS, {@link ConnectTimeoutError}, {@link NoH2Error}).
   */
  acquire(): ClientHttp2Session | Promise<ClientHttp2Session>;
  /** Sessions currently open or opening. */
  readonly size: number;
  /** Closes every session (in-flight streams get `closeGraceMs`), stops the PING timers; later `acquire` throws. */
  close(): Promise<void>;
}

interface Slot {
  session: ClientHttp2Session | null;
  ready: boolean;
  pending: Promise<ClientHttp2Session> | null;
  pingTimer: NodeJS.Timeout | null;
  awaitingPing: boolean;
}

/** Bigger windows than the 64 KiB default so one stream can fill a fast link (RFC 9113 §6.9.2). */
const STREAM_WINDOW = 1 << 20;
const SESSION_WINDOW = 8 << 20;

/** Creates the pool for `target`. No connection is made until the first `acquire()`. */
export function createH2SessionPool(target: UpstreamTarget, options: H2SessionPoolOptions): H2SessionPool {
  return new SessionPool(target, options);
}

class SessionPool implements H2SessionPool {
  readonly #origin: string;
  readonly #secure: boolean;
  readonly #connectOptions: SecureClientSessionOptions;
  readonly #connectMs: number;
  readonly #pingIntervalMs: number;
  readonly #closeGraceMs: number;
  readonly #slots: Slot[];
  #next = 0;
  #closed = false;

  constructor(target: UpstreamTarget, options: H2SessionPoolOptions) {
    this.#origin = target.origin;
    this.#secure = target.secure;
    this.#connectMs = options.connectMs;
    this.#pingIntervalMs = options.pingIntervalMs ?? 30_000;
    this.#closeGraceMs = options.closeGraceMs ?? 1_000;
    const settings = { enablePush: false, initialWindowSize: STREAM_WINDOW };
    this.#connectOptions = target.secure
      ? { ...tlsClientOptions(options.tls), ALPNProtocols: ['h2'], settings }
      : { settings };
    this.#slots = Array.from({ length: Math.max(1, options.maxSessions) }, () => ({
      session: null,
      ready: false,
      pending: null,
      pingTimer: null,
      awaitingPing: false,
    }));
  }

  get size(): number {
    let count = 0;
    for (const slot of this.#slots) if (slot.session !== null) count++;
    return count;
  }

  acquire(): ClientHttp2Session | Promise<ClientHttp2Session> {
    if (this.#closed) throw Object.assign(new Error('session pool is closed'), { code: POOL_CLOSED_CODE });
    const slots = this.#slots;
    const slot = slots[this.#next] as Slot;
    this.#next = this.#next + 1 === slots.length ? 0 : this.#next + 1;
    const session = slot.session;
    if (session !== null && slot.ready && !session.destroyed && !session.closed) return session;
    if (slot.pending !== null) return slot.pending;
    return this.#connect(slot);
  }

  #connect(slot: Slot): Promise<ClientHttp2Session> {
    const session = http2.connect(this.#origin, this.#connectOptions);
    slot.session = session;
    slot.ready = false;
    const pending = new Promise<ClientHttp2Session>((resolvePending, rejectPending) => {
      const timer = setTimeout(() => session.destroy(new ConnectTimeoutError(this.#connectMs)), this.#connectMs);
      timer.unref();
      session.once('connect', () => {
        clearTimeout(timer);
        // Node sends the connection preface whatever ALPN chose; refuse to speak h2 to a server that did not
        // agree to it (RFC 9113 §3.2), rather than fail later with an opaque protocol error.
        if (this.#secure && session.alpnProtocol !== 'h2') {
          session.destroy(new NoH2Error(session.alpnProtocol));
          return;
        }
        if (slot.session !== session) return;
        slot.ready = true;
        slot.pending = null;
        session.setLocalWindowSize(SESSION_WINDOW);
        this.#startPing(slot, session);
        resolvePending(session);
      });
      session.once('error', (error: Error) => {
        clearTimeout(timer);
        rejectPending(error);
      });
      session.once('close', () => {
        clearTimeout(timer);
        rejectPending(new Error('the session closed before it was ready'));
      });
    });
    slot.pending = pending;
    // The session is replaced lazily: the next acquire() on this slot opens a new one.
    const release = (): void => this.#release(slot, session);
    session.on('error', release); // also keeps a session error from ever being unhandled
    session.once('goaway', release); // no new streams after GOAWAY (RFC 9113 §6.8); in-flight ones finish
    session.once('close', release);
    return pending;
  }

  #release(slot: Slot, session: ClientHttp2Session): void {
    if (slot.session !== session) return;
    slot.session = null;
    slot.ready = false;
    slot.pending = null;
    slot.awaitingPing = false;
    if (slot.pingTimer !== null) clearInterval(slot.pingTimer);
    slot.pingTimer = null;
  }

  #startPing(slot: Slot, session: ClientHttp2Session): void {
    const onAck = (error: Error | null): void => {
      if (error !== null) {
        session.destroy();
        return;
      }
      slot.awaitingPing = false;
    };
    slot.pingTimer = setInterval(() => {
      if (session.destroyed || session.closed) return;
      // An unanswered PING from the previous period means the peer or the path is gone (RFC 9113 §6.7).
      if (slot.awaitingPing) {
        session.destroy();
        return;
      }
      slot.awaitingPing = true;
      if (!session.ping(onAck)) slot.awaitingPing = false;
    }, this.#pingIntervalMs);
    slot.pingTimer.unref();
  }

  async close(): Promise<void> {
    this.#closed = true;
    const closing: Promise<void>[] = [];
    for (const slot of this.#slots) {
      const session = slot.session;
      this.#release(slot, session as ClientHttp2Session);
      if (session === null || session.destroyed) continue;
      closing.push(
        new Promise<void>((resolveClose) => {
          const force = setTimeout(() => session.destroy(), this.#closeGraceMs);
          force.unref();
          session.once('close', () => {
            clearTimeout(force);
            resolveClose();
          });
          session.close();
        }),
      );
    }
    await Promise.all(closing);
  }
}
