import type { CliContext } from '../context.js';

/**
 * A spinner for long steps, on a terminal only: never in CI (CI=true), never with machine output,
 * never when stderr is not a TTY. ora is imported only when one is shown.
 */
export async function withSpinner<T>(c: CliContext, format: string, text: string, work: () => Promise<T>): Promise<T> {
  const show = format === 'text' && c.isTTY && Boolean(process.stderr.isTTY) && !c.env.CI;
  if (!show) return work();
  const { default: ora } = await import('ora');
  const spinner = ora({ text, stream: process.stderr, color: 'cyan', isEnabled: c.color.level > 0 }).start();
  try {
    const out = await work();
    spinner.stop();
    return out;
  } catch (e) {
    spinner.stop();
    throw e;
  }
}
