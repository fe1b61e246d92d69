#!/usr/bin/env -S npx tsx
// `pnpm sim:gen --help`: write a deterministic dataset (see src/generate/main.ts).
import { main } from '../src/generate/main.js';

process.exitCode = await main(process.argv.slice(2));
