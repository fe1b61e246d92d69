import { StackError } from '../errors.js';

const PLACEHOLDER = /\$\{([A-Z][A-Z0-9_]*)\}/g;

/**
 * A config template shared with docker compose (whose entrypoints fill it with
 * envsubst): every `${NAME}` outside comment lines is replaced by `values[NAME]`.
 * A placeholder without a value is an error, never an empty setting.
 */
export function renderTemplate(
  file: string,
  text: string,
  values: Readonly<Record<string, string>>,
): string {
  return text
    .split('\n')
    .map((line) =>
      line.startsWith('#')
        ? line
        : line.replace(PLACEHOLDER, (_, name: string) => {
            const value = values[name];
            if (value === undefined)
              throw new StackError('TEMPLATE_VALUE_MISSING', `${file}: no value for \${${name}}`);
            return value;
          }),
    )
    .join('\n');
}
