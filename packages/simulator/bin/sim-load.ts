#!/usr/bin/env -S npx tsx
// `pnpm sim:load --help`: load a folder of CSV files into PostgreSQL (see src/load/main.ts).
import { main } from '../src/load/main.js';

process.exitCode = await main(process.argv.slice(2));
