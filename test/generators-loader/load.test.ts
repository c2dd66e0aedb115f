import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadGenerator, runGenerator } from '../../src/adapters/generators/index.js';
import { SvcError } from '../../src/core/errors.js';
import type { GeneratorSdk, SvcObject } from '../../src/sdk/index.js';
import { PROJECT_ROOT, TEST_ENV, git, tempDir, tempRepo, writeTree } from '../helpers/repo.js';

const GENERATOR = `import type { GeneratorSdk, SvcObject } from 'svc/sdk';
import { vlanName } from './lib/naming.js';

interface Plan {
  name: string;
  vlan: number;
}

export default async function generate(sdk: GeneratorSdk): Promise<void> {
  const vlan: number = await sdk.allocateNumber('Customer vlan pool', 'vlan');
  const plan: Plan = { name: vlanName(sdk.target as SvcObject, vlan), vlan };
  if (sdk.parameters.fail === true) {
    throw new Error('no free port at ' + plan.name);
  }
  await sdk.upsert('IpamVLAN', { attributes: { name: plan.name, vlan_id: plan.vlan } });
  sdk.log.info('made ' + plan.name);
}
`;

const NAMING = `import type { SvcObject } from 'svc/sdk';

export function vlanName(target: SvcObject, vlan: number): string {
  if (vlan < 0) {
    throw new RangeError('negative vlan ' + vlan);
  }
  return String(target.attributes.service_identifier) + '-' + vlan;
}
`;

/** A plain object standing in for the engine's sdk: records what the generator asked for. */
function recordingSdk(vlan: number, parameters: Record<string, string | number | boolean> = {}) {
  const calls: string[] = [];
  const target: SvcObject = { id: 'sub-1', kind: 'OtterDedicatedInternet', attributes: { service_identifier: 'DI-1' }, relationships: {} };
  const sdk = {
    generator: 'dia',
    target,
    parameters,
    allocateNumber: async (pool: string, id: string) => {
      calls.push(`allocate ${pool} ${id}`);
      return vlan;
    },
    upsert: async (kind: string, data: { attributes: Record<string, unknown> }) => {
      calls.push(`upsert ${kind} ${JSON.stringify(data.attributes)}`);
      return { id: 'x', kind, attributes: data.attributes, relationships: {} };
    },
    log: { info: (m: string) => calls.push(`log ${m}`), warn: () => {}, debug: () => {} },
    now: () => new Date('2026-01-01T00:00:00Z'),
  } as unknown as GeneratorSdk;
  return { sdk, calls };
}

function caught(p: Promise<unknown>): Promise<SvcError> {
  return p.then(
    () => {
      throw new Error('expected an error');
    },
    (e: unknown) => {
      if (e instanceof SvcError) return e;
      throw e;
    },
  );
}

const cacheFiles = (root: string): string[] => {
  const dir = join(root, '.svc/cache');
  return existsSync(dir) ? readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.js')).sort() : [];
};

describe('loading generators from a catalog outside the repository', () => {
  it('loads TypeScript with `import type` and relative imports, with nothing installed', async () => {
    const root = tempDir('svc-catalog-');
    writeTree(root, { 'generators/dia.ts': GENERATOR, 'generators/lib/naming.ts': NAMING });
    expect(existsSync(join(root, 'node_modules'))).toBe(false);

    const gen = await loadGenerator('generators/dia.ts', { catalogRoot: root });
    expect(gen.displayPath).toBe('generators/dia.ts');
    expect(gen.cacheFile).toMatch(/\/\.svc\/cache\/generators\/dia\.[0-9a-f]{16}\.js$/);
    const { sdk, calls } = recordingSdk(1000);
    await runGenerator(gen, sdk, { generator: 'dia', target: 'DI-1' });
    expect(calls).toEqual([
      'allocate Customer vlan pool vlan',
      'upsert IpamVLAN {"name":"DI-1-1000","vlan_id":1000}',
      'log made DI-1-1000',
    ]);
    // the compiled module has no trace of the type-only import
    expect(readFileSync(gen.cacheFile, 'utf8')).not.toContain('svc/sdk');
  });

  it('names the cache by content: the same source reuses it, an edit gets a new module', async () => {
    const root = tempDir('svc-catalog-');
    writeTree(root, { 'generators/dia.ts': GENERATOR, 'generators/lib/naming.ts': NAMING });
    const a = await loadGenerator(join(root, 'generators/dia.ts'), { catalogRoot: root });
    const b = await loadGenerator('generators/dia.ts', { catalogRoot: root });
    expect(b.cacheFile).toBe(a.cacheFile);
    writeFileSync(join(root, 'generators/lib/naming.ts'), NAMING.replace("'-'", "'/'"));
    const c = await loadGenerator('generators/dia.ts', { catalogRoot: root });
    expect(c.cacheFile).not.toBe(a.cacheFile);
    const { sdk, calls } = recordingSdk(7);
    await c.generate(sdk);
    expect(calls).toContain('log made DI-1/7');
    expect(cacheFiles(root)).toHaveLength(2);
  });

  it('reuses the compiled module while the files it was built from hash the same, and prunes old versions', async () => {
    const root = tempDir('svc-catalog-');
    writeTree(root, { 'generators/dia.ts': GENERATOR, 'generators/lib/naming.ts': NAMING });
    const a = await loadGenerator('generators/dia.ts', { catalogRoot: root });
    const manifestFile = join(root, '.svc/cache/generators/dia.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { module: string; inputs: Record<string, string> };
    expect(manifest.module).toBe(basename(a.cacheFile));
    expect(Object.keys(manifest.inputs)).toEqual(['generators/dia.ts', 'generators/lib/naming.ts']);
    // While the inputs match, nothing is compiled or written: the manifest is not even rewritten.
    const past = new Date(Date.now() - 60_000);
    utimesSync(manifestFile, past, past);
    const b = await loadGenerator('generators/dia.ts', { catalogRoot: root });
    expect(b.cacheFile).toBe(a.cacheFile);
    expect(statSync(manifestFile).mtimeMs).toBeLessThan(Date.now() - 30_000);

    // An edit of a relative import is seen; the old version stays while it is recent, then goes.
    writeFileSync(join(root, 'generators/lib/naming.ts'), NAMING.replace("'-'", "'/'"));
    const c = await loadGenerator('generators/dia.ts', { catalogRoot: root });
    expect(c.cacheFile).not.toBe(a.cacheFile);
    expect(cacheFiles(root)).toHaveLength(2);
    const old = new Date(Date.now() - 3600_000);
    utimesSync(a.cacheFile, old, old);
    writeFileSync(join(root, 'generators/lib/naming.ts'), NAMING.replace("'-'", "':'"));
    const d = await loadGenerator('generators/dia.ts', { catalogRoot: root });
    expect(cacheFiles(root).map((f) => basename(f)).sort()).toEqual([basename(c.cacheFile), basename(d.cacheFile)].sort());

    // A damaged manifest is rebuilt, not trusted.
    writeFileSync(manifestFile, '{ not json');
    const e = await loadGenerator('generators/dia.ts', { catalogRoot: root });
    expect(e.cacheFile).toBe(d.cacheFile);
    expect(JSON.parse(readFileSync(manifestFile, 'utf8')).module).toBe(basename(d.cacheFile));
  });

  it('leaves a git work tree clean: the cache ignores itself', async () => {
    const repo = tempRepo({ 'generators/dia.ts': GENERATOR, 'generators/lib/naming.ts': NAMING });
    const gen = await loadGenerator('generators/dia.ts', { catalogRoot: repo });
    expect(existsSync(gen.cacheFile)).toBe(true);
    expect(git(repo, 'status', '--porcelain', '--untracked-files=all')).toBe('');
  });

  it('accepts a named `generate` export from plain JavaScript', async () => {
    const root = tempDir('svc-catalog-');
    writeTree(root, { 'gen/ports.mjs': 'export async function generate(sdk) { sdk.log.info("ports " + sdk.target.id); }\n' });
    const gen = await loadGenerator('gen/ports.mjs', { catalogRoot: root });
    const { sdk, calls } = recordingSdk(1);
    await gen.generate(sdk);
    expect(calls).toEqual(['log ports sub-1']);
  });
});

describe('generator errors', () => {
  it('a missing file is a usage error, and nothing is written', async () => {
    const root = tempDir('svc-catalog-');
    const e = await caught(loadGenerator('generators/nope.ts', { catalogRoot: root }));
    expect(e.code).toBe('generators/not-found');
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe('generator file generators/nope.ts not found');
    expect(existsSync(join(root, '.svc'))).toBe(false);
  });

  it('a syntax error gives file:line:column from esbuild, and nothing is cached', async () => {
    const root = tempDir('svc-catalog-');
    writeTree(root, { 'generators/bad.ts': 'export default async function generate(sdk: unknown) {\n  const x = [1, 2;\n}\n' });
    const e = await caught(loadGenerator('generators/bad.ts', { catalogRoot: root }));
    expect(e.code).toBe('generators/syntax');
    expect(e.exitCode).toBe(1);
    expect(e.message).toBe('generators/bad.ts:2:18: Expected "]" but found ";"');
    expect(e.diagnostics[0]).toMatchObject({ file: 'generators/bad.ts', line: 2, column: 18 });
    expect(cacheFiles(root)).toEqual([]);
  });

  it('a relative import that does not exist is named with its position', async () => {
    const root = tempDir('svc-catalog-');
    writeTree(root, { 'generators/a.ts': "import { x } from './missing.js';\nexport default async function generate() { x(); }\n" });
    const e = await caught(loadGenerator('generators/a.ts', { catalogRoot: root }));
    expect(e.code).toBe('generators/unresolved-import');
    expect(e.message).toMatch(/^generators\/a\.ts:1:19: Could not resolve "\.\/missing\.js"/);
  });

  it('a module without a generate function says what to export', async () => {
    const root = tempDir('svc-catalog-');
    writeTree(root, { 'generators/none.ts': 'export const answer: number = 42;\n' });
    const e = await caught(loadGenerator('generators/none.ts', { catalogRoot: root }));
    expect(e.code).toBe('generators/no-export');
    expect(e.message).toBe('generator generators/none.ts exports no generate function');
    expect(e.hint).toContain('export default async function generate');
  });

  it('a package the catalog does not have is named, with the way out', async () => {
    const root = tempDir('svc-catalog-');
    writeTree(root, { 'generators/pkg.ts': "import { thing } from 'not-installed-anywhere';\nexport default async function generate() { thing(); }\n" });
    const e = await caught(loadGenerator('generators/pkg.ts', { catalogRoot: root }));
    expect(e.code).toBe('generators/import-failed');
    expect(e.message).toBe('generator generators/pkg.ts imports not-installed-anywhere, which is not installed where the generator lives');
  });

  it('a throw at run time points at the line of the .ts file, also inside a relative import', async () => {
    const root = tempDir('svc-catalog-');
    writeTree(root, { 'generators/dia.ts': GENERATOR, 'generators/lib/naming.ts': NAMING });
    const gen = await loadGenerator('generators/dia.ts', { catalogRoot: root });

    const e = await caught(runGenerator(gen, recordingSdk(1000, { fail: true }).sdk, { generator: 'dia', target: 'DI-1' }));
    expect(e.code).toBe('generators/failed');
    expect(e.exitCode).toBe(1);
    expect(e.message).toBe('generator dia failed for target DI-1 at generators/dia.ts:13:11: no free port at DI-1-1000');
    expect(e.diagnostics[0]).toMatchObject({ file: 'generators/dia.ts', line: 13, column: 11, subject: 'DI-1' });
    expect((e.cause as Error).message).toBe('no free port at DI-1-1000');

    const deep = await caught(runGenerator(gen, recordingSdk(-5).sdk, { generator: 'dia', target: 'DI-1' }));
    expect(deep.message).toBe('generator dia failed for target DI-1 at generators/lib/naming.ts:5:11: negative vlan -5');
  });

  it("svc's own errors thrown through the sdk keep their code and hint", async () => {
    const root = tempDir('svc-catalog-');
    writeTree(root, { 'generators/dia.ts': GENERATOR, 'generators/lib/naming.ts': NAMING });
    const gen = await loadGenerator('generators/dia.ts', { catalogRoot: root });
    const { sdk } = recordingSdk(1);
    (sdk as { allocateNumber: unknown }).allocateNumber = async () => {
      await Promise.resolve();
      throw new SvcError('pools/exhausted', 'Customer vlan pool (1000-1003, 4 values): all 4 in use', { exitCode: 1, hint: 'add to the pool' });
    };
    const e = await caught(runGenerator(gen, sdk, { generator: 'dia', target: 'DI-1' }));
    expect(e.code).toBe('pools/exhausted');
    expect(e.hint).toBe('add to the pool');
    expect(e.message).toBe('generator dia failed for target DI-1 at generators/dia.ts:10:24: Customer vlan pool (1000-1003, 4 values): all 4 in use');
  });

  it('a throw while the module loads is mapped too', async () => {
    const root = tempDir('svc-catalog-');
    writeTree(root, { 'generators/top.ts': "const limit: number = 3;\nif (limit > 2) throw new Error('bad limit');\nexport default async function generate() {}\n" });
    const e = await caught(loadGenerator('generators/top.ts', { catalogRoot: root }));
    expect(e.code).toBe('generators/load-failed');
    expect(e.message).toBe('generator generators/top.ts failed while loading, at generators/top.ts:2:22: bad limit');
  });

  it('maps lines the same in a plain Node process (no --enable-source-maps), from the built dist', () => {
    const built = join(PROJECT_ROOT, 'dist/adapters/generators/index.js');
    expect(existsSync(built), 'run `npx tsc -p tsconfig.build.json` first').toBe(true);
    const root = tempDir('svc-catalog-');
    writeTree(root, { 'generators/dia.ts': GENERATOR, 'generators/lib/naming.ts': NAMING });
    const script = `
      const { loadGenerator, runGenerator } = await import(${JSON.stringify(built)});
      const gen = await loadGenerator('generators/dia.ts', { catalogRoot: process.cwd() });
      const sdk = { target: { attributes: { service_identifier: 'DI-9' } }, parameters: { fail: true }, allocateNumber: async () => 1001 };
      try { await runGenerator(gen, sdk, { generator: 'dia', target: 'DI-9' }); } catch (e) { console.log(e.message); }`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, env: TEST_ENV, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('generator dia failed for target DI-9 at generators/dia.ts:13:11: no free port at DI-9-1001');
  });
});
