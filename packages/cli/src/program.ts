import { Command } from 'commander';
import { cliVersion } from './cli-version.js';
import { beatCommand } from './commands/beat-command.js';
import { controlCommand } from './commands/control-command.js';
import { dashboardCommand } from './commands/dashboard-command.js';
import { eventsCommand } from './commands/events-command.js';
import { inspectCommand } from './commands/inspect-command.js';
import { purgeCommand } from './commands/purge-command.js';
import { revokeCommand } from './commands/revoke-command.js';
import { scheduleCommand } from './commands/schedule-command.js';
import { statusCommand } from './commands/status-command.js';
import { withEnv } from './commands/with-env.js';
import { workerCommand } from './commands/worker-command.js';
import { withWorkerTuning } from './commands/worker-tuning.js';
import { helpExamples } from './help-examples.js';

/**
 * The `tq` command and its subcommands. Every worker flag also reads `TQ_<FLAG>` (withEnv); the worker's
 * tuning flags are added beside its command, to keep that file small.
 */
export function program(): Command {
  return new Command('tq')
    .description('tq: a distributed task queue for TypeScript')
    .version(cliVersion(), '-V, --version', 'print the versions of @tq/cli, @tq/core and Node')
    .addHelpText('after', helpExamples.program)
    .addCommand(withEnv(withWorkerTuning(workerCommand())).addHelpText('after', helpExamples.worker))
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
