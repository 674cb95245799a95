// `npm start`: `gateway serve` (src/cli/serve.ts).
import { runCli } from './cli/main.ts';

process.exit(await runCli(['serve', ...process.argv.slice(2)]));
