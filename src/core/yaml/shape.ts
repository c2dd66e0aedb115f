import type { ErrorObject, ValidateFunction } from 'ajv';
import { diag, type Diagnostic } from '../diagnostics.js';
import { didYouMean } from '../suggest.js';
import { pointerToPath, type YamlSource } from './source.js';

/**
 * Runs a compiled JSON Schema (ajv, allErrors) over a YAML document and turns every error into a
 * positioned diagnostic. Unknown keys get a "did you mean" hint from the properties the schema allows there.
 */
export function checkShape(validate: ValidateFunction, src: YamlSource, codePrefix: string): Diagnostic[] {
  if (validate(src.value)) return [];
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const e of pruneErrors(validate.errors ?? [])) {
    const d = toDiagnostic(e, src, codePrefix);
    const key = `${d.line}:${d.column}:${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out;
}

/**
 * ajv reports every branch of a oneOf/anyOf that failed; a person wants the one that matters.
 * Drop the combinator summaries, and "type" errors at a path that also has a more specific error.
 */
function pruneErrors(errors: ErrorObject[]): ErrorObject[] {
  const specific = new Set(errors.filter((e) => e.keyword !== 'type' && e.keyword !== 'oneOf' && e.keyword !== 'anyOf').map((e) => e.instancePath));
  return errors.filter((e) => {
    if (e.keyword === 'oneOf' || e.keyword === 'anyOf' || e.keyword === 'if') return false;
    if (e.keyword === 'type' && specific.has(e.instancePath)) return false;
    return true;
  });
}

function toDiagnostic(e: ErrorObject, src: YamlSource, codePrefix: string): Diagnostic {
  const path = pointerToPath(e.instancePath);
  const where = path.length ? path.join('.') : '(top level)';
  switch (e.keyword) {
    case 'additionalProperties': {
      const extra = String((e.params as { additionalProperty: string }).additionalProperty);
      const allowed = Object.keys((e.parentSchema as { properties?: Record<string, unknown> })?.properties ?? {});
      const hint = didYouMean(extra, allowed) ?? (allowed.length ? `allowed keys here: ${allowed.join(', ')}` : undefined);
      return diag('error', `${codePrefix}/unknown-key`, `unknown key "${extra}" in ${where}`, src.locateKey([...path, extra]), {
        key: [...path, extra].join('.'),
        ...(hint ? { hint } : {}),
      });
    }
    case 'required': {
      const missing = String((e.params as { missingProperty: string }).missingProperty);
      return diag('error', `${codePrefix}/missing-key`, `missing required key "${missing}" in ${where}`, src.locate(path), {
        key: [...path, missing].join('.'),
        hint: `add "${missing}:"`,
      });
    }
    case 'enum': {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map(String);
      const value = valueAt(src.value, path);
      // Only a scalar can be misspelt; String() of a mapping may even throw ({toString: null}).
      const hint = (typeof value === 'string' || typeof value === 'number' ? didYouMean(String(value), allowed) : undefined) ?? `one of: ${allowed.join(', ')}`;
      return diag('error', `${codePrefix}/invalid-value`, `${where}: ${JSON.stringify(value)} is not one of ${allowed.join(', ')}`, src.locate(path), {
        key: path.join('.'),
        hint,
      });
    }
    case 'type': {
      const value = valueAt(src.value, path);
      return diag('error', `${codePrefix}/wrong-type`, `${where}: expected ${String((e.params as { type: string }).type)}, got ${describe(value)}`, src.locate(path), {
        key: path.join('.'),
      });
    }
    case 'pattern': {
      const value = valueAt(src.value, path);
      return diag('error', `${codePrefix}/invalid-value`, `${where}: ${JSON.stringify(value)} does not match ${String((e.params as { pattern: string }).pattern)}`, src.locate(path), {
        key: path.join('.'),
        hint: (e.parentSchema as { description?: string } | undefined)?.description ?? 'change the value to match the pattern',
      });
    }
    default:
      return diag('error', `${codePrefix}/invalid`, `${where}: ${e.message ?? 'is invalid'}`, src.locate(path), { key: path.join('.') });
  }
}

export function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let v: unknown = root;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}
