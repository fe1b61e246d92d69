#!/usr/bin/env tsx
import { main } from '../src/server/main.js';

// The AWS SDK is pinned to a release that supports Node 20 (DESIGN.md): its
// notice that later releases will not is noise on every run.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

process.exitCode = await main(process.argv.slice(2));
