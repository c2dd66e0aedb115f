import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { registerValidate } from './validate.js';
import { registerInventory } from './inventory.js';
import { registerLoad } from './load.js';
import { registerProducts } from './products.js';
import { registerSchema } from './schema.js';
import { registerGenerate } from './generate.js';
import { registerDiff } from './diff.js';
import { registerRequest } from './request.js';
import { registerDemo } from './demo.js';
import { registerPools } from './pools.js';
import { registerInit } from './init.js';
import { registerCompletion } from './completion.js';
import { registerLog } from './log.js';
import { registerQuery } from './query.js';
import { registerRender } from './render.js';
import { registerServe } from './serve.js';

export type Ctx = () => CliContext;
export type SetExit = (code: number) => void;

/** Each command group registers itself here; one file per group under ./. */
export function registerCommands(program: Command, ctx: Ctx, setExit: SetExit): void {
  registerValidate(program, ctx, setExit);
  registerInventory(program, ctx, setExit);
  registerLoad(program, ctx, setExit);
  registerProducts(program, ctx, setExit);
  registerSchema(program, ctx, setExit);
  registerGenerate(program, ctx, setExit);
  registerDiff(program, ctx, setExit);
  registerRequest(program, ctx, setExit);
  registerDemo(program, ctx, setExit);
  registerPools(program, ctx, setExit);
  registerInit(program, ctx, setExit);
  registerLog(program, ctx, setExit);
  registerCompletion(program, ctx, setExit);
  registerQuery(program, ctx, setExit);
  registerRender(program, ctx, setExit);
  registerServe(program, ctx, setExit);
}
