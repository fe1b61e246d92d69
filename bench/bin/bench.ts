#!/usr/bin/env -S npx tsx
/** `pnpm bench`: every figure of the platform in one run (pnpm bench --help). */
import { main } from '../src/main.js';

process.exitCode = await main(process.argv.slice(2));
