import type { CliContext } from '../context.js';
import { onSignal } from '../signals.js';

/**
 * The narrowest terminal a spinner is drawn on. A terminal may report 0 columns (`script` without a
 * size, a serial console): ora then divides by zero and never returns.
 */
export const SPINNER_MIN_COLUMNS = 20;

/**
 * A spinner for long steps, on a terminal only: never in CI (CI=true), never with machine output,
 * never when stderr is not a TTY or is narrower than SPINNER_MIN_COLUMNS. ora is imported only when
 * one is shown.
 */
export async function withSpinner<T>(c: CliContext, format: string, text: string, work: () => Promise<T>): Promise<T> {
  const columns = process.stderr.columns ?? 0;
  const show = format === 'text' && c.isTTY && Boolean(process.stderr.isTTY) && !c.env.CI && columns >= SPINNER_MIN_COLUMNS;
  if (!show) return work();
  const { default: ora } = await import('ora');
  const spinner = ora({ text, stream: process.stderr, color: 'cyan', isEnabled: c.color.level > 0, discardStdin: false }).start();
  const off = onSignal(() => {
    spinner.stop();
  });
  try {
    return await work();
  } finally {
    spinner.stop();
    off();
  }
}
