import type net from 'node:net';

/** Queued frames up to this size are copied into one buffer; beyond, they go out as one writev. */
const COALESCE_LIMIT = 65_536;

/**
 * The outgoing side of a connection: frames written during one tick leave together on the next
 * (`process.nextTick`), so a burst of calls costs one socket write rather than one each, and order is kept.
 */
export class FrameOutput {
  readonly #socket: net.Socket;
  readonly #queue: Buffer[] = [];

  constructor(socket: net.Socket) {
    this.#socket = socket;
  }

  write(frame: Buffer): void {
    this.#queue.push(frame);
    if (this.#queue.length === 1) process.nextTick(flushOutput, this);
  }

  /** Sends the queued frames now (before a final write or end). */
  flush(): void {
    const queue = this.#queue;
    const socket = this.#socket;
    if (queue.length === 0) return;
    if (socket.destroyed) {
      queue.length = 0;
      return;
    }
    if (queue.length === 1) socket.write(queue[0]!);
    else {
      let total = 0;
      for (const frame of queue) total += frame.length;
      if (total <= COALESCE_LIMIT) socket.write(Buffer.concat(queue, total));
      else {
        socket.cork();
        for (const frame of queue) socket.write(frame);
        socket.uncork();
      }
    }
    queue.length = 0;
  }
}

function flushOutput(output: FrameOutput): void {
  output.flush();
}
