import { backgroundColorNames, Chalk, foregroundColorNames, modifierNames } from 'chalk';
import { describe, expect, it } from 'vitest';
import { loadColor, plainColor } from '../../src/cli/color.js';

describe('the CLI colours', () => {
  const chalk0 = new Chalk({ level: 0 });

  it('the stand-in for chalk returns what chalk at level 0 returns, for every style chalk has, alone and chained', () => {
    const names = [...modifierNames, ...foregroundColorNames, ...backgroundColorNames];
    for (const name of names) {
      for (const args of [['text'], ['a', 1, true], [undefined], [], [42]]) {
        expect(plainColor[name](...args), `${name}(${args.join(', ')})`).toBe(chalk0[name](...args));
        expect(plainColor.bold[name](...args)).toBe(chalk0.bold[name](...args));
      }
    }
    expect(plainColor.level).toBe(0);
    expect(plainColor('x', 'y')).toBe(chalk0('x', 'y'));
  });

  it('is chalk itself only when it may colour: on a terminal without NO_COLOR, or wherever FORCE_COLOR is set', async () => {
    expect(await loadColor({}, false)).toBe(plainColor);
    expect(await loadColor({ NO_COLOR: '1' }, true)).toBe(plainColor);
    expect(await loadColor({ NO_COLOR: '1', FORCE_COLOR: '1' }, false)).toBe(plainColor);
    const { default: chalk } = await import('chalk');
    expect(await loadColor({}, true)).toBe(chalk);
    expect(await loadColor({ NO_COLOR: '' }, true)).toBe(chalk);
    expect(await loadColor({ FORCE_COLOR: '1' }, false)).toBe(chalk);
  });
});
