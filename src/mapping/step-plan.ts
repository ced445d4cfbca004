import type { CompiledStep } from './step-types.js';

/**
 * The dependency graph of a mapping's steps, checked and resolved once at load (issue 3: "the dependency graph is
 * computed at load; a cycle is a config error"). Per request the executor only follows the indices stored here.
 */

/** One step with its edges as indices into {@link StepPlan.steps}. */
export interface PlannedStep {
  readonly step: CompiledStep;
  readonly index: number;
  /** Steps it waits for (deduplicated, in `dependsOn` order). */
  readonly dependencies: readonly number[];
  /** Steps waiting for it, in plan order. */
  readonly dependents: readonly number[];
}

/** A frozen, valid step graph: no unknown names, no cycles, no required step behind an optional one. */
export interface StepPlan {
  /** In declaration order. */
  readonly steps: readonly PlannedStep[];
  /** Steps without dependencies: they start at once, in parallel. */
  readonly roots: readonly number[];
}

/** What is wrong with a step graph; `step` is the step whose declaration holds the problem. */
export interface StepPlanIssue {
  readonly kind: 'duplicate-step' | 'unknown-dependency' | 'cycle' | 'required-after-optional' | 'invalid-timeout';
  readonly step: string;
  readonly message: string;
}

/** Thrown by {@link planSteps} with every issue found (not just the first). */
export class StepPlanError extends Error {
  readonly issues: readonly StepPlanIssue[];
  constructor(issues: readonly StepPlanIssue[]) {
    super(issues.map((issue) => issue.message).join('\n'));
    this.name = 'StepPlanError';
    this.issues = issues;
  }
}

const WHITE = 0;
const GREY = 1;
const BLACK = 2;

/**
 * Validates the step graph and freezes it into a plan.
 * @throws StepPlanError listing duplicate names, unknown dependencies, cycles ("steps form a cycle: a → b → a"),
 *   required steps that depend on optional ones (they could never run once that one fails) and bad timeouts
 */
export function planSteps(steps: readonly CompiledStep[]): StepPlan {
  const issues: StepPlanIssue[] = [];
  const indexOf = new Map<string, number>();
  steps.forEach((step, index) => {
    if (indexOf.has(step.name)) {
      issues.push({ kind: 'duplicate-step', step: step.name, message: `step "${step.name}" is declared more than once` });
    } else {
      indexOf.set(step.name, index);
    }
    if (!Number.isFinite(step.timeoutMs) || step.timeoutMs <= 0) {
      issues.push({ kind: 'invalid-timeout', step: step.name, message: `step "${step.name}" has an invalid timeout (${step.timeoutMs} ms)` });
    }
  });
  const known = [...indexOf.keys()].map((name) => `"${name}"`).join(', ');

  const dependencies: number[][] = steps.map((step) => {
    const resolved: number[] = [];
    for (const name of step.dependsOn) {
      const index = indexOf.get(name);
      if (index === undefined) {
        issues.push({
          kind: 'unknown-dependency',
          step: step.name,
          message: `step "${step.name}" depends on unknown step "${name}" (the steps are ${known})`,
        });
      } else if (!resolved.includes(index)) {
        resolved.push(index);
        const dependency = steps[index] as CompiledStep;
        if (step.required && !dependency.required) {
          issues.push({
            kind: 'required-after-optional',
            step: step.name,
            message:
              `step "${step.name}" is required but depends on optional step "${name}": ` +
              `it could not run when "${name}" fails; make "${step.name}" optional or "${name}" required`,
          });
        }
      }
    }
    return resolved;
  });

  for (const cycle of findCycles(dependencies)) {
    const names = cycle.map((index) => (steps[index] as CompiledStep).name);
    issues.push({ kind: 'cycle', step: names[0] as string, message: `steps form a cycle: ${names.join(' → ')}` });
  }
  if (issues.length > 0) throw new StepPlanError(issues);

  const dependents: number[][] = steps.map(() => []);
  dependencies.forEach((deps, index) => {
    for (const dependency of deps) (dependents[dependency] as number[]).push(index);
  });
  const planned = steps.map((step, index) =>
    Object.freeze({
      step,
      index,
      dependencies: Object.freeze(dependencies[index] as number[]),
      dependents: Object.freeze(dependents[index] as number[]),
    }),
  );
  const roots = planned.filter((entry) => entry.dependencies.length === 0).map((entry) => entry.index);
  return Object.freeze({ steps: Object.freeze(planned), roots: Object.freeze(roots) });
}

/**
 * Every cycle closed by a back edge of a depth-first search in declaration order, each as its path with the first
 * step repeated at the end (`[a, b, a]`). Deterministic, so the error message is stable.
 */
function findCycles(dependencies: readonly (readonly number[])[]): number[][] {
  const color = new Uint8Array(dependencies.length);
  const stack: number[] = [];
  const cycles: number[][] = [];
  const visit = (node: number): void => {
    color[node] = GREY;
    stack.push(node);
    for (const next of dependencies[node] as number[]) {
      if (color[next] === GREY) cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (color[next] === WHITE) visit(next);
    }
    stack.pop();
    color[node] = BLACK;
  };
  for (let node = 0; node < dependencies.length; node++) if (color[node] === WHITE) visit(node);
  return cycles;
}
