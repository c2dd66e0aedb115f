import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { svc, tempRepo, writeTree, type FileTree } from '../helpers/repo.js';
import { FIXTURES } from './helpers.js';

/** Every upstream-pattern fixture in one catalog, as a team would bring its SURF templates. */
function upstreamCatalog(config = ''): string {
  const files: FileTree = { '.orchestrator.yml': `schemas: [schemas]\nproducts: [products]\n${config}`, 'schemas/.keep': '' };
  for (const f of readdirSync(join(FIXTURES, 'upstream'))) files[`products/${f}`] = readFileSync(join(FIXTURES, 'upstream', f), 'utf8');
  return tempRepo(files);
}

type Report = { ok: boolean; diagnostics: { severity: string; code: string; file: string }[] };

describe('SURF product files in a catalog (end to end)', () => {
  it('load with warnings; --strict and strict: true turn each into an error', () => {
    const dir = upstreamCatalog();
    const lax = svc(dir, ['validate', '--format', 'json']);
    expect(lax.code).toBe(0);
    const report = JSON.parse(lax.stdout) as Report;
    expect(report.ok).toBe(true);
    expect(report.diagnostics.length).toBe(15);
    expect(new Set(report.diagnostics.map((d) => d.severity))).toEqual(new Set(['warning']));
    // One pattern or more in every fixture.
    expect(new Set(report.diagnostics.map((d) => d.file)).size).toBe(11);

    const strict = svc(dir, ['validate', '--strict', '--format', 'json']);
    expect(strict.code).toBe(1);
    const errors = JSON.parse(strict.stdout) as Report;
    expect(errors.diagnostics.map((d) => `${d.file} ${d.code}`)).toEqual(report.diagnostics.map((d) => `${d.file} ${d.code}`));
    expect(new Set(errors.diagnostics.map((d) => d.severity))).toEqual(new Set(['error']));

    writeTree(dir, { '.orchestrator.yml': 'schemas: [schemas]\nproducts: [products]\nstrict: true\n' });
    expect(svc(dir, ['validate']).code).toBe(1);
    // Commands that check the catalog on their way honour it too.
    const products = svc(dir, ['products']);
    expect(products.code).toBe(1);
    expect(products.stderr).toContain('error[product/required-initial]');
    const request = svc(dir, ['request', 'create', 'lab host', '--customer', 'acme', '--set', 'owner=ops', '--dry-run']);
    // As for any catalog with errors: a configuration error, exit 2.
    expect(request.code).toBe(2);
    expect(request.stderr).toContain('error[product/required-initial]');
    const generate = svc(dir, ['generate', '--check']);
    expect(generate.code).toBe(2);
    expect(generate.stderr).toContain('error[product/modifiable-false]');
  });

  it('svc product show lists validations, checked or not; a request is checked against their rules', () => {
    const dir = upstreamCatalog();
    const show = svc(dir, ['product', 'show', 'circuit']);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('circuit_id: validation circuit_id_must_be_unique (circuit_id must be unique): not checked by svc (SURF code)');
    expect(show.stdout).toContain('circuit_label: validation circuit_label_format (a label is ckt- and four digits): checked by svc: pattern ^ckt-[0-9]{4}$');
    expect(show.stdout).toContain('validate: validation circuit_in_nms (the circuit is known to the NMS): not checked by svc (SURF code)');
    const bad = svc(dir, ['request', 'create', 'circuit', '--customer', 'acme', '--set', 'circuit_id=7', '--set', 'circuit_label=ckt7', '--dry-run']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('circuit_label: "ckt7" does not match ^ckt-[0-9]{4}$');
    expect(bad.stderr).toContain('a label is ckt- and four digits');
    const ok = svc(dir, ['request', 'create', 'lab host', '--customer', 'acme', '--set', 'owner=ops', '--dry-run']);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
  });
});
