#!/usr/bin/env -S npx tsx
/** `pnpm soak`: the whole stack for an hour under faults, then both verdicts (pnpm soak --help). */
import { main } from '../src/soak/main.js';

process.exitCode = await main(process.argv.slice(2));
