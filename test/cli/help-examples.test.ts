import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { EXAMPLES } from '../../src/cli/examples.js';
import { svc, tempDir } from '../helpers/repo.js';

const program = () =>
  buildProgram(() => {
    throw new Error('help needs no context');
  }, () => undefined);

/** Every command a user can type, by path (the hidden completion helper left out). */
function commands(cmd: Command, path: string[] = []): { path: string; cmd: Command }[] {
  return cmd.commands.filter((s) => !s.name().startsWith('__')).flatMap((s) => [{ path: [...path, s.name()].join(' '), cmd: s }, ...commands(s, [...path, s.name()])]);
}

function helpOf(cmd: Command): string {
  let out = '';
  cmd.configureOutput({ writeOut: (s) => void (out += s), writeErr: (s) => void (out += s) });
  cmd.outputHelp();
  return out;
}

describe('--help', () => {
  it('every command has an Examples section, each example a command of svc', () => {
    const all = commands(program());
    expect(all.length).toBeGreaterThan(25);
    const missing = all.filter(({ cmd }) => !/\nExamples:\n {2}\S/.test(helpOf(cmd))).map((c) => c.path);
    expect(missing).toEqual([]);
    // No entry for a command that does not exist (a renamed command must take its examples along).
    const paths = new Set(all.map((c) => c.path));
    expect(Object.keys(EXAMPLES).filter((p) => !paths.has(p))).toEqual([]);
    for (const [path, lines] of Object.entries(EXAMPLES)) {
      for (const l of lines) expect(l, path).toMatch(new RegExp(`(^|\\s)svc ${path.split(' ')[0]}\\b`));
    }
  });

  it('shows them from the real executable too', () => {
    const r = svc(tempDir(), ['request', 'create', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Examples:\n  svc request create "dedicated internet 1000" --customer acme');
  });
});
