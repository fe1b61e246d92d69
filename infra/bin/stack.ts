#!/usr/bin/env node
// The native stack's CLI (run with tsx); everything happens in src/main.ts.
import { main } from '../src/main.js';

process.exitCode = await main(process.argv.slice(2));
