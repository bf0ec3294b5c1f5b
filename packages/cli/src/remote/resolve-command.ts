import { type RemoteCommand, remoteCommands } from './remote-commands.js';

/** A command found and its arguments read, ready to send. */
export interface ResolvedCommand {
  command: RemoteCommand;
  /** The request's `arguments`, keyed by Celery's names. */
  arguments: Record<string, unknown>;
}

/**
 * Find `name` among the `kind` commands and read its positional `words` (Celery's
 * `_compile_arguments`): each word fills the next argument, the variadic one takes the rest.
 * Says what is wrong, with the command's signature, instead of sending something a worker would refuse.
 */
export function resolveCommand(kind: RemoteCommand['kind'], name: string, words: readonly string[]): ResolvedCommand | { problem: string } {
  const command = remoteCommands.find((c) => c.kind === kind && c.name === name);
  if (!command) {
    const known = remoteCommands.filter((c) => c.kind === kind).map((c) => c.name);
    return { problem: `Command ${name} not recognized. Available ${kind} commands: ${known.join(', ')}` };
  }
  const usage = () => `Command '${name}' takes arguments: ${signatureOf(command) || '(none)'}`;
  const required = command.args.filter((a) => !a.optional).length;
  const rest = words.slice(command.args.length);
  if (
    words.length < required ||
    (rest.length > 0 && !command.variadic) ||
    (command.variadic && !command.variadic.optional && rest.length === 0)
  ) {
    return { problem: usage() };
  }
  const args: Record<string, unknown> = {};
  for (const [i, word] of words.slice(0, command.args.length).entries()) {
    const argument = command.args[i];
    if (!argument) break;
    try {
      args[argument.name] = argument.parse(word);
    } catch (error) {
      return { problem: `${usage()}; ${argument.name}: ${(error as Error).message}` };
    }
  }
  if (command.variadic) args[command.variadic.name] = rest;
  return { command, arguments: args };
}

/** `<task_name> <soft> [hard]`: how the command's arguments are written. */
export function signatureOf(command: RemoteCommand): string {
  const parts = command.args.map((a) => (a.optional ? `[${a.name}]` : `<${a.name}>`));
  if (command.variadic) parts.push(command.variadic.optional ? `[${command.variadic.name}...]` : `<${command.variadic.name}...>`);
  return parts.join(' ');
}
