import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { complete } from '../../src/cli/completion/walk.js';
import { otterNetLoaded } from '../helpers/otter.js';
import { git, PROJECT_ROOT, svc, tempDir, TEST_ENV } from '../helpers/repo.js';

const program = () => buildProgram(() => { throw new Error('no context in these tests'); }, () => {});
const words = (line: string[]) => {
  const r = complete(program(), line);
  return r.type === 'words' ? r.words.map((w) => w.value) : r;
};
const script = (shell: string) => readFileSync(join(PROJECT_ROOT, 'templates/completion', `svc.${shell}`), 'utf8');
/** A `svc` on PATH, as an installed one would be. */
function svcOnPath(): string {
  const bin = tempDir('svc-bin-');
  spawnSync('sh', ['-c', `printf '#!/bin/sh\\nexec "%s" "%s" "$@"\\n' "$0" "$1" > "$2/svc" && chmod +x "$2/svc"`, process.execPath, join(PROJECT_ROOT, 'bin/svc'), bin]);
  return bin;
}
const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

describe('completion read off the program', () => {
  it('commands, subcommands and options come from commander, hidden ones left out', () => {
    const top = words(['']) as string[];
    expect(top).toEqual(expect.arrayContaining(['completion', 'diff', 'list', 'request', 'show', 'validate']));
    expect(top).not.toContain('__complete');
    expect(words(['req'])).toEqual(['request']);
    expect(words(['re'])).toEqual(['render', 'request']);
    expect(words(['request', ''])).toEqual(['abandon', 'create', 'list', 'modify', 'rebase', 'show', 'terminate']);
    expect(words(['diff', '--'])).toEqual(['--all', '--author', '--format', '--help', '--max-length']);
    // The program's -C is offered below it; a subcommand's options are not offered on another.
    expect(words(['list', 'X', '-'])).toContain('-C');
    expect(words(['list', 'X', '-'])).not.toContain('--all');
  });

  it('option values: choices, then the catalog or the file system by what the value names', () => {
    expect(words(['diff', '--format', ''])).toEqual(['text', 'markdown', 'json', 'mermaid']);
    expect(words(['completion', ''])).toEqual(['bash', 'zsh', 'fish']);
    expect(complete(program(), ['generate', '--target', ''])).toEqual({ type: 'values', source: 'subscriptions' });
    expect(complete(program(), ['generate', '--generator', 'x'])).toEqual({ type: 'values', source: 'generators' });
    expect(complete(program(), ['-C', ''])).toEqual({ type: 'dirs' });
    expect(complete(program(), ['load', 'a.yml', ''])).toEqual({ type: 'files' });
    expect(complete(program(), ['list', ''])).toEqual({ type: 'values', source: 'kinds' });
    expect(complete(program(), ['-C', 'x', 'request', 'modify', '--resume', ''])).toEqual({ type: 'values', source: 'subscriptions' });
    expect(complete(program(), ['request', 'show', ''])).toEqual({ type: 'values', source: 'requests' });
    expect(complete(program(), ['product', 'show', ''])).toEqual({ type: 'values', source: 'products' });
    expect(complete(program(), ['show', 'CoreNumberPool', ''])).toEqual({ type: 'values', source: 'objects', kind: 'CoreNumberPool' });
    // A word after a value-less positional is not mistaken for an option's value.
    expect(complete(program(), ['list', 'DcimDevice', '--format', 'json', ''])).toEqual({ type: 'none' });
  });

  it('a <pool> argument, wherever a command declares one, completes pool names', () => {
    const p = new Command('svc');
    p.command('pools').command('reserve').argument('<pool>');
    expect(complete(p, ['pools', 'reserve', 'C'])).toEqual({ type: 'values', source: 'pools' });
  });
});

describe('svc __complete and the scripts, on the Otter-net catalog', () => {
  it('answers kinds, products, pools, requests and objects from the catalog; never an error', () => {
    const dir = otterNetLoaded();
    git(dir, 'branch', 'request/dia-0042');
    const ask = (...line: string[]) => {
      const r = svc(dir, ['__complete', '--', ...line]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      return r.stdout.split('\n').filter(Boolean).map((l) => l.split('\t')[0]);
    };
    expect(ask('list', 'Location')).toEqual([':words', 'LocationCountry', 'LocationGeneric', 'LocationMetro', 'LocationSite']);
    expect(ask('request', 'create', 'ded')).toEqual([':words', 'dedicated internet', 'dedicated internet 100', 'dedicated internet 1000', 'dedicated internet 10000']);
    expect(ask('show', 'CoreIPPrefixPool', '')).toEqual([':words', 'Customer IPv6 prefixes pool', 'Customer prefixes pool']);
    expect(ask('-C', dir, 'request', 'abandon', '')).toEqual([':words', 'dia-0042']);
    // Outside any catalog: no candidates, and nothing on stderr.
    const outside = svc(tempDir(), ['__complete', '--', 'list', '']);
    expect(outside).toEqual({ code: 0, stdout: ':none\n', stderr: '' });
  });

  it('svc completion bash loads in a real bash, registers svc, and completes through __complete', () => {
    const printed = svc(tempDir(), ['completion', 'bash']);
    expect(printed.code).toBe(0);
    expect(printed.stdout).toBe(script('bash'));
    expect(spawnSync('bash', ['-n', '-c', printed.stdout]).status).toBe(0);
    const dir = otterNetLoaded();
    const bin = svcOnPath();
    const r = spawnSync('bash', ['-c', `${printed.stdout}\ncomplete -p svc\nCOMP_WORDS=(svc list LocationS); COMP_CWORD=2; _svc_complete; printf '[%s]\\n' "\${COMPREPLY[@]}"\nCOMP_WORDS=(svc show CoreNumberPool ''); COMP_CWORD=3; _svc_complete; printf '[%s]\\n' "\${COMPREPLY[@]}"`], { cwd: dir, env: { ...TEST_ENV, PATH: `${bin}:${process.env.PATH}` }, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('complete -F _svc_complete svc\n[LocationSite]\n[Customer\\ vlan\\ pool]\n');
  });

  it('the zsh script registers _svc after compinit, and fish completes through __complete (when installed)', () => {
    const dir = otterNetLoaded();
    const bin = svcOnPath();
    const env = { ...TEST_ENV, PATH: `${bin}:${process.env.PATH}` };
    if (!has('zsh')) console.warn('zsh is not installed: its completion script is not checked (apt-get install zsh)');
    else {
      expect(spawnSync('zsh', ['-n', join(PROJECT_ROOT, 'templates/completion/svc.zsh')]).status).toBe(0);
      const r = spawnSync('zsh', ['-fc', `autoload -U compinit; compinit -u -d ${tempDir('svc-zcd-')}/zcd; source <(svc completion zsh); print -r -- $_comps[svc]`], { cwd: dir, env, encoding: 'utf8' });
      expect([r.stderr, r.stdout]).toEqual(['', '_svc\n']);
    }
    if (!has('fish')) console.warn('fish is not installed: its completion script is not checked (apt-get install fish)');
    else {
      const r = spawnSync('fish', ['-c', 'svc completion fish | source; complete -C "svc list LocationS"; complete -C "svc show CoreNumberPool Cust"'], { cwd: dir, env: { ...env, HOME: tempDir('svc-fish-home-') }, encoding: 'utf8' });
      expect(r.stdout.split('\n').map((l) => l.split('\t')[0])).toEqual(['LocationSite', 'Customer vlan pool', '']);
    }
  });
});
