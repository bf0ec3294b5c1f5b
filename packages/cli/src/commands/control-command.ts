import { Command } from 'commander';
import { cliIo } from '../cli-io.js';
import { runControl } from '../remote/run-control.js';
import { commandList } from './command-list.js';
import { runWithApp } from './run-with-app.js';
import { type RemoteFlags, remoteOptionsOf, withRemoteOptions } from './with-remote-options.js';

/** `tq control <command> [args...] --app <module>`: change the workers' behaviour (tq or Celery) at run time. */
export function controlCommand(): Command {
  return withRemoteOptions(
    new Command('control')
      .description('steer the workers (tq and Python Celery alike): limits, revokes, consumers, events, shutdown')
      .argument('<command>', 'what to do (see below)')
      .argument('[args...]', "the command's arguments"),
  )
    .option('--terminate', 'revoke: also stop attempts already running')
    .option('--signal <name>', 'revoke --terminate: the signal Celery workers send (default SIGTERM; tq aborts the attempt)')
    .addHelpText('after', `\n${commandList('control')}`)
    .action((command: string, args: string[], flags: RemoteFlags & { terminate?: boolean; signal?: string }) =>
      runWithApp(flags.app, (app) =>
        runControl(app, command, args, { ...remoteOptionsOf(flags), terminate: flags.terminate, signal: flags.signal }, cliIo()),
      ),
    );
}
