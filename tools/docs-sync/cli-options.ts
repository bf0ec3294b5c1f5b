/**
 * docs/cli.md's `cli-options:<command>` regions: the flags of a `tq` command with their environment
 * variables and defaults, read from the command itself (`program()` of @tq/cli), so `--help`, the
 * environment and the docs cannot disagree.
 */
import { codeOnlyWorkerOptions, program } from '@tq/cli';
import { table } from './markdown.js';

/** `(default: X)` or `(default: X; more)` in a description, when the option has no default value of its own. */
const DEFAULT_IN_TEXT = / \(default: ([^;)]+)(?:; ([^)]*))?\)/;

export function cliOptionsTable(name: string): string {
  const command = program().commands.find((c) => c.name() === name);
  if (!command) throw new Error(`tq has no command '${name}' (docs/cli.md cli-options region)`);
  const rows = command.options.map((option) => {
    let description = option.description;
    // A literal default in code font; a default told in words (a description's `(default: ...)`) as prose.
    let fallback = option.defaultValue === undefined ? '' : `\`${option.defaultValueDescription ?? String(option.defaultValue)}\``;
    const inText = description.match(DEFAULT_IN_TEXT);
    if (inText && fallback === '') {
      fallback = inText[1] as string;
      description = description.replace(DEFAULT_IN_TEXT, inText[2] ? ` (${inText[2]})` : '');
    }
    if (fallback === '') fallback = option.mandatory ? 'required' : option.isBoolean() ? 'off' : '';
    const choices = option.argChoices ? ` (${option.argChoices.join(', ')})` : '';
    return [
      `\`${option.flags}\``,
      option.envVar ? `\`${option.envVar}\`` : '',
      fallback,
      `${description}${choices}`.replaceAll('|', '\\|'),
    ];
  });
  const text = table(['flag', 'environment', 'default', 'what it does'], rows);
  if (name !== 'worker') return text;
  const codeOnly = Object.entries(codeOnlyWorkerOptions).map(([key, why]) => `\`${key}\` (${why})`);
  return `${text}\n\nSet only in code, with \`app.worker({ ... })\`: ${codeOnly.join('; ')}.`;
}
