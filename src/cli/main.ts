// The entry point. git status is started before the rest of svc is even loaded (see
// ./early-status.ts); only then is the program imported, which takes as long as git does.
import { startEarlyStatus } from './early-status.js';

const early = startEarlyStatus(process.argv.slice(2), process.cwd());
const { main } = await import('./program.js');
await main(early);
