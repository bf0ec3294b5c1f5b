import { Command } from 'commander';
import { beatCommand } from './commands/beat-command.js';
import { purgeCommand } from './commands/purge-command.js';
import { revokeCommand } from './commands/revoke-command.js';
import { scheduleCommand } from './commands/schedule-command.js';
import { workerCommand } from './commands/worker-command.js';

/** The `tq` command and its subcommands. */
export function program(): Command {
  return new Command('tq')
    .description('tq: a distributed task queue for TypeScript')
    .addCommand(workerCommand())
    .addCommand(beatCommand())
    .addCommand(scheduleCommand())
    .addCommand(purgeCommand())
    .addCommand(revokeCommand());
}
