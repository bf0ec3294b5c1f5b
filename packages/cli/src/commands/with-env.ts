import { type Command, InvalidArgumentError } from 'commander';

const YES = new Set(['1', 'true', 'yes', 'on']);
const NO = new Set(['0', 'false', 'no', 'off', '']);

/** The variable of a flag, by one rule: `--prefetch-multiplier` → `TQ_PREFETCH_MULTIPLIER`. */
export function envNameOf(long: string): string {
  return `TQ_${long.replace(/^--/, '').replaceAll('-', '_').toUpperCase()}`;
}

/**
 * Give every long option of `command` an environment variable, `TQ_<FLAG>` unless the option names its
 * own, so a container sets a worker up without a command line; `--help` shows each. The command line
 * wins over the environment, values go through the flag's own parser, and a yes/no flag's variable
 * must say yes or no (`1/true/yes/on`, `0/false/no/off`): commander alone would turn `TQ_BEAT=false` on.
 * Call it once the options are added.
 */
export function withEnv(command: Command): Command {
  for (const option of command.options) {
    if (!option.long || option.long === '--help' || option.envVar !== undefined) continue;
    const variable = envNameOf(option.long);
    option.envVar = variable;
    // Commander listens for env values only on options that had a variable when added: this is that listener.
    command.on(`optionEnv:${option.name()}`, () => {
      const raw = process.env[variable] ?? '';
      try {
        const value = option.isBoolean() ? yesOrNo(raw) : option.parseArg ? option.parseArg(raw, undefined) : raw;
        command.setOptionValueWithSource(option.attributeName(), value, 'env');
      } catch (error) {
        if (!(error instanceof InvalidArgumentError)) throw error;
        command.error(`error: ${variable}='${raw}' (the environment's ${option.long}) is invalid: ${error.message}`, {
          code: 'commander.invalidArgument',
        });
      }
    });
  }
  return command;
}

function yesOrNo(raw: string): boolean {
  const word = raw.trim().toLowerCase();
  if (YES.has(word)) return true;
  if (NO.has(word)) return false;
  throw new InvalidArgumentError('expected 1, true, yes, on or 0, false, no, off');
}
