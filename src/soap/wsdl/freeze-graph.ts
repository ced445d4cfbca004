/**
 * Freezes every object reachable from `root`. The model is a graph with cycles (recursive types) and deep
 * nesting, so it walks with an explicit stack and a visited set instead of recursion.
 */
export function freezeGraph<T extends object>(root: T): T {
  const stack: object[] = [root];
  const seen = new Set<object>();
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (seen.has(node)) continue;
    seen.add(node);
    Object.freeze(node);
    for (const value of Object.values(node)) if (value !== null && typeof value === 'object') stack.push(value as object);
  }
  return root;
}
