#!/usr/bin/env -S npx tsx
// `pnpm sim:new-domain --help`: start a domain of your own (see src/domains/new-domain.ts).
import { main } from '../src/domains/new-domain.js';

process.exitCode = await main(process.argv.slice(2));
