import { describe, expect, it } from 'vitest';
import { svc, tempDir, writeTree } from '../helpers/repo.js';
import { join } from 'node:path';
import { mkdirSync, readFileSync } from 'node:fs';

describe('catalog discovery and the config', () => {
  it('finds .orchestrator.yml upward from the current folder, like git', () => {
    const dir = tempDir();
    writeTree(dir, { '.orchestrator.yml': 'schemas: [schemas]\n', 'schemas/.keep': '' });
    mkdirSync(join(dir, 'a/b'), { recursive: true });
    const r = svc(join(dir, 'a/b'), ['validate']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('0 errors');
  });

  it('-C names the catalog folder', () => {
    const dir = tempDir();
    writeTree(dir, { 'cat/.orchestrator.yml': 'schemas: [schemas]\n', 'cat/schemas/.keep': '' });
    const r = svc(dir, ['-C', 'cat', 'validate', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).ok).toBe(true);
  });

  it('outside a catalog: exit 2 with a hint', () => {
    const r = svc(tempDir(), ['validate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not inside a catalog');
    expect(r.stderr).toContain('svc init');
  });

  it('remembers a config that passed its shape check, and checks any other text in full again', () => {
    const dir = tempDir();
    writeTree(dir, { '.orchestrator.yml': 'schemas: [schemas]\n', 'schemas/.keep': '' });
    expect(svc(dir, ['validate']).code).toBe(0);
    const memo = join(dir, '.svc/config-checked');
    const remembered = readFileSync(memo, 'utf8');
    expect(remembered).toMatch(/^[0-9a-f]{64}$/);
    expect(svc(dir, ['validate']).code).toBe(0);
    expect(readFileSync(memo, 'utf8')).toBe(remembered);
    // Another text is checked again: its error is reported, and it is not remembered.
    writeTree(dir, { '.orchestrator.yml': 'schemas: [schemas]\nproduct: [products]\n' });
    const broken = svc(dir, ['validate']);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('error[config/unknown-key]');
    expect(readFileSync(memo, 'utf8')).toBe(remembered);
    // A damaged memo only means a full check.
    writeTree(dir, { '.orchestrator.yml': 'schemas: [schemas]\n', '.svc/config-checked': 'garbage' });
    expect(svc(dir, ['validate']).code).toBe(0);
    expect(readFileSync(memo, 'utf8')).toBe(remembered);
  });

  it('an unknown config key is rejected with a did-you-mean hint and its position', () => {
    const dir = tempDir();
    writeTree(dir, { '.orchestrator.yml': 'schemas: [schemas]\nproduct: [products]\n' });
    const r = svc(dir, ['validate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('.orchestrator.yml:2:1: error[config/unknown-key]: unknown key "product"');
    expect(r.stderr).toContain('did you mean "products"?');
  });

  it('a YAML syntax error in the config names line and column', () => {
    const dir = tempDir();
    writeTree(dir, { '.orchestrator.yml': 'schemas: [schemas\n' });
    const r = svc(dir, ['validate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\.orchestrator\.yml:\d+:\d+: error\[yaml\/syntax\]/);
  });

  it('duplicate keys are errors', () => {
    const dir = tempDir();
    writeTree(dir, { '.orchestrator.yml': 'schemas: [a]\nschemas: [b]\n' });
    const r = svc(dir, ['validate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('.orchestrator.yml:2:1');
    expect(r.stderr).toContain('each key may appear once');
  });

  it('paths outside the catalog are refused', () => {
    const dir = tempDir();
    writeTree(dir, { '.orchestrator.yml': 'schemas: [../elsewhere]\n' });
    const r = svc(dir, ['validate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('config/outside-catalog');
  });

  it('unknown options are usage errors (exit 2)', () => {
    const r = svc(tempDir(), ['validate', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--bogus'");
  });
});

describe('output to a reader that stops early', () => {
  it('svc exits quietly when stdout is closed (svc … | head)', async () => {
    const { spawn } = await import('node:child_process');
    const { SVC_BIN, TEST_ENV } = await import('../helpers/repo.js');
    const child = spawn(process.execPath, [SVC_BIN, 'request', 'create', '--help'], { env: TEST_ENV, cwd: tempDir() });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toContain('EPIPE');
    expect(code).toBe(0);
  });
});
