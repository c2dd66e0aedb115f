import { Option } from 'commander';

/** `--format <f>` with the given choices; the first is the default. */
export function formatOption<T extends string>(choices: readonly T[], def: T = choices[0]!): Option {
  return new Option('--format <format>', 'output format').choices(choices as unknown as string[]).default(def);
}

/** Commander's repeatable option collector: `--set a=1 --set b=2` → ['a=1', 'b=2']. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
