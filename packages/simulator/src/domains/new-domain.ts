/**
 * `pnpm sim:new-domain NAME`: starts a domain of your own from the template
 * (templates/library.ts, a lending library that runs as it is), written to
 * <repo>/domains/NAME.ts, where `import ... from '@mdp/simulator'` resolves.
 */
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseFlags, userPath } from '@mdp/schemas';

const TEMPLATE = fileURLToPath(new URL('../../templates/library.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../../../../', import.meta.url));

const NEW_DOMAIN_USAGE = `Usage: pnpm sim:new-domain NAME [--out FILE] [--force]

Writes a new domain definition, a lending library (books and loans) that runs as it
is, named NAME, for you to make your own business of: its tables, events and rules.
Then: pnpm sim:gen --domain FILE --out DIR; pnpm sim:load --dir DIR;
pnpm sim:run --domain FILE --sim-schema sim_NAME (the README's tutorial).

Options:
  --out FILE   where to write it (default: <repo>/domains/NAME.ts; a file outside the
               repository cannot import @mdp/simulator)
  --force      overwrite FILE if it exists
  -h, --help   this help`;

class UsageError extends Error {}

export async function main(argv: readonly string[]): Promise<number> {
  let values, name;
  try {
    const parsed = parseFlags(
      argv,
      {
        out: { type: 'string' },
        force: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      (message) => new UsageError(message),
      true,
    );
    values = parsed.values;
    if (values.help) {
      process.stdout.write(`${NEW_DOMAIN_USAGE}\n`);
      return 0;
    }
    [name] = parsed.positionals;
    if (parsed.positionals.length !== 1 || !/^[a-z][a-z0-9_]{0,40}$/.test(name ?? ''))
      throw new UsageError(
        'give one NAME: lower-case letters, digits and _, starting with a letter (it names the domain and its sim schema)',
      );
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`sim:new-domain: ${err.message}\n\n${NEW_DOMAIN_USAGE}\n`);
    return 2;
  }
  const out = values.out ? userPath(values.out) : `${REPO}domains/${name}.ts`;
  const exists = await access(out).then(
    () => true,
    () => false,
  );
  if (exists && !values.force) {
    process.stderr.write(`sim:new-domain: ${out} exists; pass --force to overwrite it\n`);
    return 1;
  }
  const shown = relative(userPath('.'), out) || out;
  const template = await readFile(TEMPLATE, 'utf8');
  const text = template
    .replaceAll("name: 'library'", `name: '${name}'`)
    .replaceAll('domains/library.ts', shown)
    .replaceAll('data-library', `data-${name}`)
    .replaceAll('sim_library', `sim_${name}`);
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, text);
  process.stdout.write(
    `wrote ${shown}: a lending library named ${name}; make it your business, then\n` +
      `  pnpm sim:gen --domain ${shown} --out data-${name}\n` +
      `  pnpm sim:load --dir data-${name}\n` +
      `  pnpm sim:run --domain ${shown} --sim-schema sim_${name} --rate 50/s\n`,
  );
  return 0;
}
