import { mainConsume } from '../src/main.js';

await mainConsume(process.argv.slice(2));
