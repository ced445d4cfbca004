import type { ClientRequestLike, ClientResponseLike } from '../upstreams/types.js';
import type { Dispatcher } from './dispatch.js';

/**
 * The dispatcher the listeners hold, which a config reload points at a new one: each request goes to the
 * dispatcher that is current when it arrives, and finishes there. The ones a reload replaced stay counted (in
 * flight, idle, drain) until they are retired, so a shutdown during a reload still waits for every request.
 */
export interface DispatcherSwitch extends Dispatcher {
  /** Sends every request from now on to `next`; returns the dispatcher it replaces, which keeps what it holds. */
  use(next: Dispatcher): Dispatcher;
  /** Stops counting a replaced dispatcher (its requests are done, or were cut off). */
  retire(replaced: Dispatcher): void;
}

type Handler = (req: ClientRequestLike, res: ClientResponseLike) => void;

export function createDispatcherSwitch(initial: Dispatcher): DispatcherSwitch {
  let current = initial;
  let draining = false;
  const active = new Set<Dispatcher>([initial]);
  // One slot per listener: the listener calls a fixed function, a reload changes what is in the slot.
  const slots: { readonly listener: string; handle: Handler }[] = [];
  return {
    handlerFor(listener) {
      const slot = { listener, handle: current.handlerFor(listener) };
      slots.push(slot);
      return (req, res) => slot.handle(req, res);
    },
    get inFlight() {
      let total = 0;
      for (const dispatcher of active) total += dispatcher.inFlight;
      return total;
    },
    beginDrain() {
      draining = true;
      for (const dispatcher of active) dispatcher.beginDrain();
    },
    async idle() {
      await Promise.all([...active].map((dispatcher) => dispatcher.idle()));
    },
    use(next) {
      const previous = current;
      current = next;
      active.add(next);
      if (draining) next.beginDrain();
      for (const slot of slots) slot.handle = next.handlerFor(slot.listener);
      return previous;
    },
    retire(replaced) {
      if (replaced !== current) active.delete(replaced);
    },
  };
}
