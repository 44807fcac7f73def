#!/usr/bin/env node
// Entry point for the `tollgate` command: TypeScript runs through tsx, no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
await main(process.argv.slice(2));
