#!/usr/bin/env node
// `gateway <command>` (`npx gateway --help`): runs the TypeScript CLI through tsx, no build step.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli/main.ts');
const code = await runCli(process.argv.slice(2));
// Exits rather than waiting for the event loop to empty: a command is done even if a pool or timer lingers.
process.stdout.write('', () => process.exit(code));
