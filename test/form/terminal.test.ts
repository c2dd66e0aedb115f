import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, TEST_ENV, tempDir } from '../helpers/repo.js';

/**
 * The production prompter on a real terminal: tmux runs test/form/fixtures/ask.mjs (the built form)
 * and the test answers with arrow keys, text and Enter, reading the screen as a person would.
 */
const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const SCRIPT = join(PROJECT_ROOT, 'test/form/fixtures/ask.mjs');
let sessions = 0;

class Terminal {
  private readonly socket = `svc-form-test-${process.pid}-${++sessions}`;

  constructor(out: string) {
    if (!existsSync(join(PROJECT_ROOT, 'dist/cli/form/index.js'))) throw new Error('dist/ is not built: run `npx tsc -p tsconfig.build.json` first');
    const cmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(SCRIPT)} ${JSON.stringify(out)}; echo "EXIT $?"; sleep 60`;
    this.tmux('new-session', '-d', '-s', 'form', '-x', '200', '-y', '50', cmd);
  }

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], { env: { ...TEST_ENV, TERM: 'xterm-256color' }, encoding: 'utf8' });
  }

  screen(): string {
    return this.tmux('capture-pane', '-p', '-J', '-t', 'form');
  }

  async waitFor(text: string, timeoutMs = 15_000): Promise<string> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const s = this.screen();
      if (s.includes(text)) return s;
      if (Date.now() > until) throw new Error(`"${text}" never showed; the screen:\n${s}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  keys(...keys: string[]): void {
    this.tmux('send-keys', '-t', 'form', ...keys);
  }

  type(text: string): void {
    this.tmux('send-keys', '-t', 'form', '-l', text);
  }

  close(): void {
    spawnSync('tmux', ['-L', this.socket, 'kill-server']);
  }
}

describe.skipIf(!hasTmux)('the request form on a real terminal', () => {
  it('answers with arrow keys and Enter; a rejected answer shows its message and is asked again', async () => {
    const out = join(tempDir(), 'result.json');
    const t = new Terminal(out);
    try {
      await t.waitFor('? variant');
      t.keys('Down', 'Enter');
      await t.waitFor('? customer');
      t.type('acme');
      t.keys('Enter');
      await t.waitFor('? site');
      t.keys('Down', 'Enter');
      await t.waitFor('? ip_package');
      t.keys('Down', 'Enter');
      await t.waitFor('? noc_contacts');
      t.type('a, b, c, d');
      t.keys('Enter');
      await t.waitFor('noc_contacts: 4 items given, at most 3 allowed');
      t.keys(...Array<string>(10).fill('BSpace'));
      t.type('noc@acme.example');
      t.keys('Enter');
      await t.waitFor('? description');
      t.type('Rotterdam office');
      t.keys('Enter');
      const screen = await t.waitFor('EXIT 0');
      expect(screen).toContain('✔ site (Where the customer wants the service) rtm1');
      expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual({
        variant: { name: 'dedicated internet 1000', product: 'dedicated internet', fixedInputs: { bandwidth: 1000 } },
        customer: 'acme',
        inputs: { site: 'site-rtm', ip_package: 'medium', noc_contacts: ['noc@acme.example'] },
        request: { bandwidth: 1000, customer: 'acme', site: 'site-rtm', ip_package: 'medium', noc_contacts: ['noc@acme.example'], description: 'Rotterdam office' },
      });
    } finally {
      t.close();
    }
  });

  it('Ctrl-C ends with "cancelled, nothing created", exit 2, no stack trace, no result', async () => {
    const out = join(tempDir(), 'result.json');
    const t = new Terminal(out);
    try {
      await t.waitFor('? variant');
      t.keys('Enter');
      await t.waitFor('? customer');
      t.type('ac');
      t.keys('C-c');
      const screen = await t.waitFor('EXIT ');
      expect(screen).toContain('error[request/cancelled]: cancelled, nothing created');
      expect(screen).toContain('EXIT 2');
      expect(screen).not.toMatch(/\bat .*\.js:\d+/);
      expect(existsSync(out)).toBe(false);
    } finally {
      t.close();
    }
  });
});
