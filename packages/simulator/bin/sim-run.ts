#!/usr/bin/env -S npx tsx
// `pnpm sim:run --help`: the business simulator (see src/sim/main.ts).
import { main } from '../src/sim/main.js';

// Exit at once: a connection attempt abandoned by a signal during a PostgreSQL
// outage must not hold the process until it times out (stdout, stderr and the
// logger write synchronously, so nothing is lost).
process.exit(await main(process.argv.slice(2)));
