#!/usr/bin/env -S npx tsx
// `pnpm sim:run --help`: the business simulator (see src/sim/main.ts).
import { main } from '../src/sim/main.js';

process.exitCode = await main(process.argv.slice(2));
