import type { ChalkInstance } from 'chalk';

/**
 * The CLI's colours: chalk, or, when chalk would colour nothing anyway, a stand-in that returns the
 * text as chalk does at level 0 without loading chalk (~15 ms of every start; most runs that print
 * for a machine, CI or a pipe, are such runs).
 *
 * Nothing is coloured when NO_COLOR is set (https://no-color.org, svc's own rule), or when standard
 * output is not a terminal and FORCE_COLOR is unset (chalk's rule, through supports-color). Any
 * other case is chalk's to decide, FORCE_COLOR included.
 */
export async function loadColor(env: NodeJS.ProcessEnv, stdoutTTY: boolean): Promise<ChalkInstance> {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return plainColor;
  if (!stdoutTTY && env.FORCE_COLOR === undefined) return plainColor;
  return (await import('chalk')).default;
}

// chalk's style names; the test compares the stand-in with chalk at level 0 over chalk's own lists.
const STYLES = [
  ...['reset', 'bold', 'dim', 'italic', 'underline', 'overline', 'inverse', 'hidden', 'strikethrough'],
  ...['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white', 'gray', 'grey'],
  ...['blackBright', 'redBright', 'greenBright', 'yellowBright', 'blueBright', 'magentaBright', 'cyanBright', 'whiteBright'],
];
const NAMES = new Set([...STYLES, ...STYLES.map((s) => `bg${s[0]!.toUpperCase()}${s.slice(1)}`)]);

/** As chalk's builder: one argument as a string, several joined by spaces. */
const asText = (...text: unknown[]): string => (text.length === 1 ? `${String(text[0])}` : text.join(' '));

/** A ChalkInstance at level 0 (every style, chained or not, returns the text unchanged; `visible` returns nothing, as chalk's does). */
export const plainColor: ChalkInstance = new Proxy(asText as unknown as ChalkInstance, {
  get(target, prop) {
    if (prop === 'level') return 0;
    if (prop === 'visible') return () => '';
    return typeof prop === 'string' && NAMES.has(prop) ? plainColor : Reflect.get(target, prop);
  },
});
