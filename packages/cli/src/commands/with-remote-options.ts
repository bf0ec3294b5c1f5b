import { type Command, Option } from 'commander';
import { commaList, secondsAsMs } from '../options.js';
import type { RemoteOptions } from '../remote/remote-options.js';

/** The options as commander hands them over. */
export interface RemoteFlags {
  app: string;
  destination?: string[];
  pattern?: string;
  timeout: number;
  json?: boolean;
}

/** Add the options `tq inspect|control|status` share, named as Celery's. */
export function withRemoteOptions(command: Command): Command {
  return command
    .requiredOption('-A, --app <module>', 'module that exports the app')
    .option('-d, --destination <nodes>', 'comma-separated node names to ask (default: every node)', commaList)
    .option('-p, --pattern <glob>', 'ask only nodes whose name matches, e.g. tq@web*')
    .addOption(new Option('-t, --timeout <seconds>', 'how long to wait for replies').argParser(secondsAsMs).default(1000, '1'))
    .option('-j, --json', 'print the replies as JSON');
}

/** {@link RemoteFlags} as the command functions take them. */
export function remoteOptionsOf(flags: RemoteFlags): RemoteOptions {
  return { destination: flags.destination, pattern: flags.pattern, timeoutMs: flags.timeout, json: flags.json };
}
