import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

describe("the README's first command", () => {
  it('builds once: it runs bin/svc, not npx (which installs the clone as a package and builds it again)', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const first = /```sh\n([^\n]*)\n/.exec(readme)?.[1] ?? '';
    expect(first).toMatch(/^npm install && node bin\/svc demo\b/);
    expect(readme).not.toMatch(/npm install && npx svc/);
  });
});
