import type { FieldDef } from './model.js';

/**
 * The bounds an int field holds to: the tightest of its own min_value/max_value and those of its
 * validations that carry a rule. Shared by the request form (./inputs.ts) and the compiled attribute
 * (./compile.ts), so the two never disagree.
 */
export function intBounds(f: FieldDef): { min?: number; max?: number } {
  const rules = (f.validations ?? []).flatMap((v) => (v.rule ? [v.rule] : []));
  const mins = [f.minValue, ...rules.map((r) => r.minValue)].filter((n): n is number => n !== undefined);
  const maxs = [f.maxValue, ...rules.map((r) => r.maxValue)].filter((n): n is number => n !== undefined);
  return { ...(mins.length ? { min: Math.max(...mins) } : {}), ...(maxs.length ? { max: Math.min(...maxs) } : {}) };
}
