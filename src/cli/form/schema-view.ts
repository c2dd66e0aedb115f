import type { JsonSchema } from '../../core/products/inputs.js';

/**
 * The form reads the product's derived request schema (requestSchema) rather than the field
 * definitions, so what it asks and what validateRequest accepts cannot drift apart: nesting of the
 * product's own blocks, references, bounds and defaults all come from one place.
 */
export type FormNode =
  | { kind: 'reference'; refKind: string }
  | { kind: 'enum'; values: unknown[] }
  | { kind: 'bool' }
  | { kind: 'number'; integer: boolean; minimum?: number; maximum?: number }
  | { kind: 'text' }
  | { kind: 'list'; item: JsonSchema; minItems: number; maxItems?: number }
  | { kind: 'object'; properties: [string, JsonSchema][]; required: ReadonlySet<string> };

export function classify(s: JsonSchema): FormNode {
  if (typeof s['x-svc-reference'] === 'string') return { kind: 'reference', refKind: s['x-svc-reference'] };
  if (Array.isArray(s.enum)) return { kind: 'enum', values: s.enum as unknown[] };
  switch (s.type) {
    case 'boolean':
      return { kind: 'bool' };
    case 'integer':
    case 'number':
      return { kind: 'number', integer: s.type === 'integer', ...num('minimum', s.minimum), ...num('maximum', s.maximum) };
    case 'array':
      return { kind: 'list', item: (s.items as JsonSchema | undefined) ?? {}, minItems: typeof s.minItems === 'number' ? s.minItems : 0, ...num('maxItems', s.maxItems) };
    case 'object':
      return {
        kind: 'object',
        properties: Object.entries((s.properties as Record<string, JsonSchema> | undefined) ?? {}),
        required: new Set(Array.isArray(s.required) ? (s.required as string[]) : []),
      };
    default:
      return { kind: 'text' };
  }
}

function num<K extends string>(key: K, v: unknown): { [P in K]?: number } {
  return (typeof v === 'number' ? { [key]: v } : {}) as { [P in K]?: number };
}

export const descriptionOf = (s: JsonSchema): string | undefined => (typeof s.description === 'string' ? s.description : undefined);
