import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { registerValidate } from './validate.js';

export type Ctx = () => CliContext;
export type SetExit = (code: number) => void;

/** Each command group registers itself here; one file per group under ./. */
export function registerCommands(program: Command, ctx: Ctx, setExit: SetExit): void {
  registerValidate(program, ctx, setExit);
}
