import net from 'node:net';
import tls from 'node:tls';
import { tlsSocketOptions, type TlsMaterial, type UpstreamTarget } from '../../../upstreams/http/targets.js';
import { H2Connection, type ConnectionOwner, type H2ConnectionOptions } from './connection.js';
import { H2ConnectionLostError } from './errors.js';
import { RequestHeaderEncoder } from './hpack-encoder.js';
import type { H2Stream } from './stream.js';

/** Options of {@link H2ClientPool}. */
export interface H2ClientPoolOptions {
  /** Connections kept to the target, used round robin; opened lazily, one per dispatch until there are this many. */
  readonly maxConnections: number;
  /** TCP connect + TLS handshake + the server's SETTINGS. */
  readonly connectMs: number;
  readonly tls?: TlsMaterial | undefined;
  /** Keepalive period (see {@link H2ConnectionOptions.pingIntervalMs}). Default 30 000. */
  readonly pingIntervalMs?: number;
  /** SETTINGS_MAX_HEADER_LIST_SIZE we advertise and enforce. Default 64 KiB. */
  readonly maxHeaderListSize?: number;
  /** Grace `close()` gives in-flight streams. Default 1 000. */
  readonly closeGraceMs?: number;
  /** `user-agent` of every request. */
  readonly userAgent: string;
  /** First stream id of each connection; tests set it near 2^31 to reach id exhaustion. Default 1. */
  readonly firstStreamId?: number;
}

/**
 * Lean HTTP/2 connections to one target for streams whose request is known up front. A stream goes to the next
 * connection, round robin, that is below the server's SETTINGS_MAX_CONCURRENT_STREAMS; when every connection is
 * at its limit (or still connecting) streams wait in FIFO order. Connections that receive GOAWAY or run out of
 * stream ids finish their streams and are replaced on demand; streams the server never processed are handed back
 * by the stream itself (see {@link H2Stream.onUnprocessed}).
 */
export class H2ClientPool implements ConnectionOwner {
  readonly target: UpstreamTarget;
  readonly encoder: RequestHeaderEncoder;
  readonly #max: number;
  readonly #closeGraceMs: number;
  readonly #connectionOptions: H2ConnectionOptions;
  readonly #tlsOptions: tls.ConnectionOptions | undefined;
  /** Connections that take new streams (connecting or ready), in creation order. */
  readonly #active: H2Connection[] = [];
  /** Connections finishing their streams after GOAWAY, id exhaustion or close. */
  readonly #draining = new Set<H2Connection>();
  #queue: H2Stream[] = [];
  #queueHead = 0;
  #next = 0;
  #closed = false;

  constructor(target: UpstreamTarget, options: H2ClientPoolOptions) {
    this.target = target;
    this.encoder = new RequestHeaderEncoder(target.secure, target.authority, options.userAgent);
    this.#max = Math.max(1, options.maxConnections);
    this.#closeGraceMs = options.closeGraceMs ?? 1_000;
    this.#connectionOptions = {
      secure: target.secure,
      connectMs: options.connectMs,
      pingIntervalMs: options.pingIntervalMs ?? 30_000,
      maxHeaderListSize: options.maxHeaderListSize ?? 65_536,
      firstStreamId: options.firstStreamId ?? 1,
    };
    if (target.secure) {
      this.#tlsOptions = { ...tlsSocketOptions(options.tls, target, ['h2']), host: target.hostname, port: target.port };
    }
  }

  /** Connections open or opening, draining ones included. */
  get size(): number {
    return this.#active.length + this.#draining.size;
  }

  /** Streams waiting for a connection or a stream slot. */
  get queued(): number {
    return this.#queue.length - this.#queueHead;
  }

  /** The connections that take new streams (for tests and diagnostics). */
  get connections(): readonly H2Connection[] {
    return this.#active;
  }

  /** Starts `stream` on a connection now, or queues it; failures reach the stream's callbacks. */
  dispatch(stream: H2Stream): void {
    if (this.#closed) {
      stream.onConnectError(new H2ConnectionLostError('the channel is closed'));
      return;
    }
    if (this.#active.length < this.#max) {
      const error = this.#connect();
      if (error !== null && this.#active.length === 0) {
        stream.onConnectError(error);
        return;
      }
    }
    if (this.#queueHead === this.#queue.length) {
      const connection = this.#pick();
      if (connection !== null) {
        connection.open(stream);
        return;
      }
    }
    this.#queue.push(stream);
  }

  /** Round robin over the connections that can take a stream now. */
  #pick(): H2Connection | null {
    const active = this.#active;
    const count = active.length;
    for (let i = 0; i < count; i++) {
      const index = (this.#next + i) % count;
      const connection = active[index]!;
      if (connection.canOpen()) {
        this.#next = index + 1 === count ? 0 : index + 1;
        return connection;
      }
    }
    return null;
  }

  #drainQueue(): void {
    const queue = this.#queue;
    while (this.#queueHead < queue.length) {
      const stream = queue[this.#queueHead]!;
      if (stream.abandoned) {
        this.#queueHead++;
        continue;
      }
      const connection = this.#pick();
      if (connection === null) break;
      this.#queueHead++;
      connection.open(stream);
    }
    if (this.#queueHead === queue.length) {
      this.#queue = [];
      this.#queueHead = 0;
    } else if (this.#queueHead > 1_024) {
      this.#queue = queue.slice(this.#queueHead);
      this.#queueHead = 0;
    }
  }

  /** Opens a connection; returns the error when the socket could not even be created (bad TLS material). */
  #connect(): Error | null {
    let socket: net.Socket;
    try {
      socket = this.#tlsOptions === undefined
        ? net.connect({ host: this.target.hostname, port: this.target.port })
        : tls.connect(this.#tlsOptions);
    } catch (error) {
      return error as Error;
    }
    this.#active.push(new H2Connection(socket, this, this.#connectionOptions));
    return null;
  }

  #failQueued(error: Error): void {
    const queue = this.#queue.slice(this.#queueHead);
    this.#queue = [];
    this.#queueHead = 0;
    for (const stream of queue) if (!stream.abandoned) stream.onConnectError(error);
  }

  onConnectionReady(): void {
    this.#drainQueue();
  }

  onStreamSlot(): void {
    if (this.#queueHead < this.#queue.length) this.#drainQueue();
  }

  onConnectionDraining(connection: H2Connection): void {
    const index = this.#active.indexOf(connection);
    if (index >= 0) this.#active.splice(index, 1);
    this.#draining.add(connection);
    if (!this.#closed && this.#queueHead < this.#queue.length && this.#active.length < this.#max) this.#connect();
  }

  onConnectionClosed(connection: H2Connection, error: Error, wasReady: boolean): void {
    const index = this.#active.indexOf(connection);
    if (index >= 0) this.#active.splice(index, 1);
    this.#draining.delete(connection);
    if (this.#queueHead === this.#queue.length || this.#closed) return;
    // Queued streams wait for a connection still connecting; with none left, a failed connect fails them rather
    // than reconnecting in a loop (the next dispatch tries again).
    if (!wasReady && this.#active.length === 0) this.#failQueued(error);
    else if (this.#active.length < this.#max) this.#connect();
  }

  /** Closes every connection (in-flight streams get the grace period); queued and later streams fail. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#failQueued(new H2ConnectionLostError('the channel is closed'));
    const all = [...this.#active, ...this.#draining];
    await Promise.all(all.map((connection) => connection.close(this.#closeGraceMs)));
  }
}
