import { type RemoteCommand, remoteCommands } from '../remote/remote-commands.js';
import { signatureOf } from '../remote/resolve-command.js';

/** The `--help` section listing the `kind` commands with their arguments. */
export function commandList(kind: RemoteCommand['kind']): string {
  const rows = remoteCommands.filter((c) => c.kind === kind).map((c) => [`${c.name} ${signatureOf(c)}`.trim(), c.help] as const);
  const width = Math.max(...rows.map(([usage]) => usage.length));
  return `Commands:\n${rows.map(([usage, help]) => `  ${usage.padEnd(width)}  ${help}`).join('\n')}\n`;
}
