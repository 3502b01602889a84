/**
 * The step-size rule, written once: a constant `η`, or the paper's adaptive
 * `η_t = c·‖θ_t‖^(2−L)` (docs/paper.md, "Setup"). Every engine evaluates the same
 * form, `η = scale·(‖θ‖²)^power`, with `power = (2 − L)/2` for the adaptive step and
 * `power = 0` (η = scale) for a constant one: the tfjs engine in tfjs ops, the native
 * engine inside its graph, the float64 engine and the precision check in JS.
 */
import { requireKnownKeys, requirePositive } from '../errors';
import type { StepSize } from './types';

/** `η = scale·(‖θ‖²)^power`: the rule's two numbers for a network of depth `L`. */
export interface StepSizeRule {
  scale: number;
  power: number;
}

/**
 * Validates a step-size option (`lr`): a finite number > 0, or `{ adaptive: c }` with c > 0.
 *
 * @example
 * ```ts
 * checkStepSize({ adaptive: 0.5 }); // accepted
 * try { checkStepSize(-1); } catch (e) { console.log((e as Error).message); } // [saddlelab] lr must be a finite number > 0; got -1
 * ```
 */
export function checkStepSize(lr: unknown, field = 'lr'): StepSize {
  if (typeof lr === 'object' && lr !== null && !Array.isArray(lr)) {
    requireKnownKeys(field, lr, ['adaptive']);
    requirePositive(`${field}.adaptive`, (lr as { adaptive?: unknown }).adaptive);
    return lr as StepSize;
  }
  return requirePositive(field, lr);
}

/** The rule's scale and power for depth `L` (the option is checked already). */
export function stepSizeRule(lr: StepSize, L: number): StepSizeRule {
  return typeof lr === 'number' ? { scale: lr, power: 0 } : { scale: lr.adaptive, power: (2 - L) / 2 };
}

/** `η` at `‖θ‖² = normSq`, in float64. */
export function stepSizeAt(lr: StepSize, normSq: number, L: number): number {
  const { scale, power } = stepSizeRule(lr, L);
  return power === 0 ? scale : scale * Math.pow(normSq, power);
}
