import { Command } from 'commander';
import { beatCommand } from './commands/beat-command.js';
import { controlCommand } from './commands/control-command.js';
import { dashboardCommand } from './commands/dashboard-command.js';
import { eventsCommand } from './commands/events-command.js';
import { inspectCommand } from './commands/inspect-command.js';
import { purgeCommand } from './commands/purge-command.js';
import { revokeCommand } from './commands/revoke-command.js';
import { scheduleCommand } from './commands/schedule-command.js';
import { statusCommand } from './commands/status-command.js';
import { workerCommand } from './commands/worker-command.js';

/** The `tq` command and its subcommands. */
export function program(): Command {
  return new Command('tq')
    .description('tq: a distributed task queue for TypeScript')
    .addCommand(workerCommand())
    .addCommand(beatCommand())
    .addCommand(scheduleCommand())
    .addCommand(statusCommand())
    .addCommand(inspectCommand())
    .addCommand(controlCommand())
    .addCommand(eventsCommand())
    .addCommand(purgeCommand())
    .addCommand(revokeCommand())
    .addCommand(dashboardCommand());
}
