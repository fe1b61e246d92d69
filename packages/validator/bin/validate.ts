import { mainValidate } from '../src/main.js';

await mainValidate(process.argv.slice(2));
