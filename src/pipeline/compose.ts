import type { Handler, RequestContext, Stage } from './context.js';

/**
 * Chains stages into one handler, once, at load. Each stage receives a `next` that is itself a precomposed
 * handler, so a request walks the chain without allocating closures.
 */
export function compose(stages: readonly Stage[]): Handler {
  let next: Handler = terminal;
  for (let index = stages.length - 1; index >= 0; index--) {
    const stage = stages[index] as Stage;
    const after = next;
    next = (ctx: RequestContext) => stage(ctx, after);
  }
  return next;
}

/** Reached only when the last stage calls `next`: the upstream stage never does, so this is a wiring bug. */
async function terminal(): Promise<void> {
  throw new Error('pipeline ended without a terminal stage');
}
