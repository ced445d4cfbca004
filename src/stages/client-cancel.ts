import { Canceller } from '../upstreams/canceller.js';
import type { ClientResponseLike } from '../upstreams/types.js';

const CLIENT_CLOSED = new Error('client closed the connection');

/**
 * The cancel handle of one upstream exchange that the client going away cancels: the stages that wait on an
 * upstream (transcode-grpc, transcode-soap, run-mapping) make one, pass it down, and `release()` it once the
 * exchange settled, so the listener never outlives the exchange. A Canceller rather than an AbortController: no
 * EventTarget listener per request (see canceller.ts).
 */
export class ClientCancel extends Canceller {
  readonly #res: ClientResponseLike;
  readonly #onClose = (): void => this.cancel(CLIENT_CLOSED);

  constructor(res: ClientResponseLike) {
    super();
    this.#res = res;
    res.on('close', this.#onClose);
  }

  release(): void {
    this.#res.removeListener('close', this.#onClose);
  }
}
