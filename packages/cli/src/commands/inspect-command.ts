import { Command } from 'commander';
import { cliIo } from '../cli-io.js';
import { runInspect } from '../remote/run-inspect.js';
import { commandList } from './command-list.js';
import { runWithApp } from './run-with-app.js';
import { type RemoteFlags, remoteOptionsOf, withRemoteOptions } from './with-remote-options.js';

/** `tq inspect <command> [args...] --app <module>`: ask the workers (tq or Celery) what they are doing. */
export function inspectCommand(): Command {
  return withRemoteOptions(
    new Command('inspect')
      .description('ask the workers (tq and Python Celery alike) what they run, hold and know')
      .argument('<command>', 'what to ask (see below)')
      .argument('[args...]', "the command's arguments"),
  )
    .addHelpText('after', `\n${commandList('inspect')}`)
    .action((command: string, args: string[], flags: RemoteFlags) =>
      runWithApp(flags.app, (app) => runInspect(app, command, args, remoteOptionsOf(flags), cliIo())),
    );
}
