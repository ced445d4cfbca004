/**
 * A one-exchange cancel handle for the request path: buffered HTTP calls, unary gRPC calls, mapping steps. An
 * AbortController is an EventTarget, and a listener added to its signal and removed again costs ~3–4 µs on
 * Node 20: a REST → gRPC request paid ~6% of its CPU for it, a REST → SOAP mapping request twice that (the client's
 * disconnect, the step's exchange). Here the running exchange attaches itself as `target` and detaches when it
 * settles, and cancelling calls it directly.
 */

/** What an exchange attaches to a {@link Canceller}. */
export interface Cancellable {
  /** Called at most once, synchronously, from {@link Canceller.cancel}. (The name lets it be an EventListener too.) */
  handleEvent(): void;
}

export class Canceller {
  /** The running exchange; undefined before it starts and after it settles. */
  target: Cancellable | undefined = undefined;
  #cancelled = false;
  #reason: unknown = undefined;
  #abort: AbortController | undefined = undefined;

  get cancelled(): boolean {
    return this.#cancelled;
  }

  /** What {@link cancel} was given: the cause the cancelled exchange reports. */
  get reason(): unknown {
    return this.#reason;
  }

  /** Cancels the attached exchange (and {@link signal}, if one was made); only the first call counts. */
  cancel(reason?: unknown): void {
    if (this.#cancelled) return;
    this.#cancelled = true;
    this.#reason = reason;
    this.target?.handleEvent();
    this.#abort?.abort(reason);
  }

  /**
   * An AbortSignal that follows this handle, for APIs that take nothing else. Made on first read, so only its
   * readers pay for the AbortController (and for their listeners).
   */
  get signal(): AbortSignal {
    if (this.#abort === undefined) {
      this.#abort = new AbortController();
      if (this.#cancelled) this.#abort.abort(this.#reason);
    }
    return this.#abort.signal;
  }
}
