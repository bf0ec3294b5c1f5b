import { Command } from 'commander';
import { cliIo } from '../cli-io.js';
import { runStatus } from '../remote/run-status.js';
import { runWithApp } from './run-with-app.js';
import { type RemoteFlags, remoteOptionsOf, withRemoteOptions } from './with-remote-options.js';

/** `tq status --app <module>`: the workers online (tq and Celery), as `celery status`. */
export function statusCommand(): Command {
  return withRemoteOptions(new Command('status').description('list the workers that are online (they answer a ping)')).action(
    (flags: RemoteFlags) => runWithApp(flags.app, (app) => runStatus(app, remoteOptionsOf(flags), cliIo())),
  );
}
