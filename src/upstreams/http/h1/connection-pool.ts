import net from 'node:net';
import tls from 'node:tls';
import { armConnectTimeout, tlsSocketOptions, type TlsMaterial, type UpstreamTarget } from '../targets.js';
import { H1_POOL_CLOSED_CODE, H1Error } from './errors.js';
import { ResponseParser } from './response-parser.js';

/** Options of {@link createH1ConnectionPool}. */
export interface H1PoolOptions {
  /** Sockets per origin, connecting + busy + idle; requests beyond wait in FIFO order. */
  readonly maxConnections: number;
  /** TCP connect (plus TLS handshake) limit; fails with `PROTOGATE_CONNECT_TIMEOUT`. */
  readonly connectMs: number;
  /** Idle keep-alive sockets are closed after this long. Default 4000: below node's 5 s server keep-alive. */
  readonly idleTimeoutMs?: number;
  /** TLS files of an `https://` target. */
  readonly tls?: TlsMaterial | undefined;
  /** Header-section limit of each connection's parser. Default 64 KiB. */
  readonly maxHeaderBytes?: number;
}

/** The current user of a busy connection: receives its socket events until it releases or destroys it. */
export interface ConnectionUser {
  onConnectionData(data: Buffer): void;
  /** The peer closed its side (EOF). A `close` follows. */
  onConnectionEnd(): void;
  /** The socket closed; `error` is the socket error, if any. */
  onConnectionClose(error: Error | undefined): void;
}

/** A request waiting for a connection; exactly one of the two methods is called, unless it is cancelled. */
export interface ConnectionWaiter {
  /** `reused` is true when the connection already carried a request (it may have gone stale meanwhile). */
  onConnection(connection: H1Connection, reused: boolean): void;
  /** Connecting failed, or the pool was closed; always called asynchronously. */
  onConnectionError(error: Error): void;
}

const kConnection = Symbol('protogate.h1Connection');
type TaggedSocket = net.Socket & { [kConnection]: H1Connection };

/** One keep-alive socket of a pool, with its response parser (reused for every response on it). */
export class H1Connection {
  readonly socket: net.Socket;
  readonly parser: ResponseParser;
  /** The request using the connection; null while it connects or idles. */
  user: ConnectionUser | null = null;
  /** Requests the connection has been handed to. */
  uses = 0;
  /** @internal pool bookkeeping */
  waiter: ConnectionWaiter | null = null;
  /** @internal */
  idleSince = 0;
  /** @internal counted in the pool's total */
  counted = true;
  /** @internal */
  connected = false;
  /** @internal */
  error: Error | undefined = undefined;
  /** @internal */
  readonly pool: H1ConnectionPool;

  constructor(pool: H1ConnectionPool, socket: net.Socket, parser: ResponseParser) {
    this.pool = pool;
    this.socket = socket;
    this.parser = parser;
  }
}

/**
 * Keep-alive sockets to one origin (HTTP/1.1, one request at a time per socket, never pipelined): a LIFO stack of
 * idle sockets, so the warmest is reused and the others age out; at most `maxConnections` sockets; a FIFO queue of
 * waiters beyond that. Socket listeners are module functions, not per-request closures.
 */
export class H1ConnectionPool {
  readonly #target: UpstreamTarget;
  readonly #max: number;
  readonly #connectMs: number;
  readonly #idleMs: number;
  readonly #maxHeaderBytes: number;
  readonly #tlsOptions: tls.ConnectionOptions | undefined;
  readonly #idle: H1Connection[] = [];
  readonly #queue: ConnectionWaiter[] = [];
  readonly #all = new Set<H1Connection>();
  #total = 0;
  #sweeper: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(target: UpstreamTarget, options: H1PoolOptions) {
    this.#target = target;
    this.#max = Math.max(1, options.maxConnections);
    this.#connectMs = options.connectMs;
    this.#idleMs = options.idleTimeoutMs ?? 4_000;
    this.#maxHeaderBytes = options.maxHeaderBytes ?? 65_536;
    if (target.secure) {
      this.#tlsOptions = tlsSocketOptions(options.tls, target, ['http/1.1']);
    }
  }

  /** Sockets open or opening. */
  get size(): number {
    return this.#total;
  }

  /** Idle keep-alive sockets. */
  get idle(): number {
    return this.#idle.length;
  }

  /** Requests waiting for a socket. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Hands `waiter` the most recently used idle socket, a new one, or queues it (FIFO). */
  acquire(waiter: ConnectionWaiter): void {
    if (this.#closed) {
      process.nextTick(failWaiter, waiter, poolClosed());
      return;
    }
    const idle = this.#idle;
    let connection: H1Connection | undefined;
    while ((connection = idle.pop()) !== undefined) {
      const socket = connection.socket;
      if (!socket.destroyed && socket.writable && !socket.readableEnded) {
        connection.uses++;
        waiter.onConnection(connection, true);
        return;
      }
      this.#forget(connection);
    }
    if (this.#total < this.#max) this.#connect(waiter);
    else this.#queue.push(waiter);
  }

  /** Withdraws a queued waiter (its request was aborted). A connect already started for it completes normally. */
  cancel(waiter: ConnectionWaiter): void {
    const index = this.#queue.indexOf(waiter);
    if (index !== -1) this.#queue.splice(index, 1);
  }

  /** Returns a connection whose response completed cleanly and which may persist (RFC 9112 §9.3). */
  release(connection: H1Connection): void {
    connection.user = null;
    const socket = connection.socket;
    if (this.#closed || socket.destroyed || !connection.counted) {
      this.destroy(connection);
      return;
    }
    if (socket.isPaused()) socket.resume(); // idle sockets must see EOF / stray bytes
    const waiter = this.#queue.shift();
    if (waiter !== undefined) {
      connection.uses++;
      waiter.onConnection(connection, true);
      return;
    }
    connection.idleSince = performance.now();
    this.#idle.push(connection);
    if (this.#sweeper === undefined) {
      this.#sweeper = setInterval(sweep, Math.max(25, Math.min(1_000, this.#idleMs / 8)), this);
      this.#sweeper.unref();
    }
  }

  /** Closes a connection (malformed or unfinished response, abort, `Connection: close`) and frees its slot. */
  destroy(connection: H1Connection, error?: Error): void {
    connection.user = null;
    this.#forget(connection);
    connection.socket.destroy(error);
    this.#dispatch();
  }

  /**
   * Closes a connection that went stale and opens a NEW one for `waiter` in its slot, ahead of the queue: the retry
   * of an idempotent request (RFC 9112 §9.3.1) must not land on another stale idle socket.
   */
  retry(connection: H1Connection, waiter: ConnectionWaiter): void {
    connection.user = null;
    this.#forget(connection);
    connection.socket.destroy();
    if (this.#closed) process.nextTick(failWaiter, waiter, poolClosed());
    else this.#connect(waiter);
  }

  /** Destroys every socket, fails queued requests; resolves once all sockets are closed. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#sweeper !== undefined) clearInterval(this.#sweeper);
    this.#sweeper = undefined;
    const error = poolClosed();
    for (const waiter of this.#queue.splice(0)) process.nextTick(failWaiter, waiter, error);
    this.#idle.length = 0;
    const closing: Promise<void>[] = [];
    for (const connection of this.#all) {
      const socket = connection.socket;
      if (!socket.closed) closing.push(new Promise<void>((resolve) => socket.once('close', () => resolve())));
      socket.destroy(connection.user === null && connection.waiter === null ? undefined : error);
    }
    await Promise.all(closing);
  }

  #connect(waiter: ConnectionWaiter): void {
    this.#total++;
    const { hostname, port } = this.#target;
    const tlsOptions = this.#tlsOptions;
    const socket =
      tlsOptions === undefined ? net.connect({ host: hostname, port }) : tls.connect({ ...tlsOptions, host: hostname, port });
    socket.setNoDelay(true);
    const connection = new H1Connection(this, socket, new ResponseParser({ maxHeaderBytes: this.#maxHeaderBytes }));
    connection.waiter = waiter;
    this.#all.add(connection);
    (socket as TaggedSocket)[kConnection] = connection;
    socket.once(tlsOptions === undefined ? 'connect' : 'secureConnect', onSocketConnect);
    socket.on('data', onSocketData);
    socket.on('end', onSocketEnd);
    socket.on('error', onSocketError);
    socket.on('close', onSocketClose);
    armConnectTimeout(socket, this.#connectMs);
  }

  /** Takes a connection out of the count (idempotent) and off the idle stack. */
  #forget(connection: H1Connection): void {
    if (!connection.counted) return;
    connection.counted = false;
    this.#total--;
    const index = this.#idle.indexOf(connection);
    if (index !== -1) this.#idle.splice(index, 1);
  }

  /** Opens connections for queued waiters while there are free slots. */
  #dispatch(): void {
    const queue = this.#queue;
    while (queue.length > 0 && this.#total < this.#max && !this.#closed) {
      this.#connect(queue.shift() as ConnectionWaiter);
    }
  }

  /** @internal socket events */
  static connected(connection: H1Connection): void {
    connection.connected = true;
    const waiter = connection.waiter;
    connection.waiter = null;
    if (waiter === null) return;
    connection.uses++;
    waiter.onConnection(connection, false);
  }

  /** @internal bytes, EOF or an error on an idle socket: it can no longer carry a request. */
  static dropIdle(connection: H1Connection): void {
    connection.pool.destroy(connection);
  }

  /** @internal */
  static closed(connection: H1Connection): void {
    const pool = connection.pool;
    pool.#all.delete(connection);
    pool.#forget(connection);
    const waiter = connection.waiter;
    connection.waiter = null;
    const user = connection.user;
    connection.user = null;
    // Tell the user first: a retry takes the freed slot before queued waiters do.
    if (waiter !== null) waiter.onConnectionError(connection.error ?? new Error('socket closed while connecting'));
    else if (user !== null) user.onConnectionClose(connection.error);
    pool.#dispatch();
  }

  /** @internal */
  static sweep(pool: H1ConnectionPool): void {
    const idle = pool.#idle;
    const cutoff = performance.now() - pool.#idleMs;
    let expired = 0;
    // The stack is ordered by release time: the bottom is the longest idle.
    while (expired < idle.length && (idle[expired] as H1Connection).idleSince <= cutoff) expired++;
    for (const connection of idle.splice(0, expired)) pool.destroy(connection);
    if (idle.length === 0 && pool.#sweeper !== undefined) {
      clearInterval(pool.#sweeper);
      pool.#sweeper = undefined;
    }
  }
}

/** Creates the connection pool of one HTTP/1.1 origin. No socket is opened before the first request. */
export function createH1ConnectionPool(target: UpstreamTarget, options: H1PoolOptions): H1ConnectionPool {
  return new H1ConnectionPool(target, options);
}

function poolClosed(): H1Error {
  return new H1Error(H1_POOL_CLOSED_CODE, 'the connection pool is closed');
}

function failWaiter(waiter: ConnectionWaiter, error: Error): void {
  waiter.onConnectionError(error);
}

function sweep(pool: H1ConnectionPool): void {
  H1ConnectionPool.sweep(pool);
}

function onSocketConnect(this: net.Socket): void {
  H1ConnectionPool.connected((this as TaggedSocket)[kConnection]);
}

function onSocketData(this: net.Socket, data: Buffer): void {
  const connection = (this as TaggedSocket)[kConnection];
  const user = connection.user;
  if (user !== null) user.onConnectionData(data);
  else if (connection.connected) H1ConnectionPool.dropIdle(connection); // unsolicited bytes (RFC 9112 §9.3.2)
}

function onSocketEnd(this: net.Socket): void {
  const connection = (this as TaggedSocket)[kConnection];
  const user = connection.user;
  if (user !== null) user.onConnectionEnd();
  else if (connection.connected) H1ConnectionPool.dropIdle(connection);
}

function onSocketError(this: net.Socket, error: Error): void {
  (this as TaggedSocket)[kConnection].error ??= error;
}

function onSocketClose(this: net.Socket): void {
  H1ConnectionPool.closed((this as TaggedSocket)[kConnection]);
}
