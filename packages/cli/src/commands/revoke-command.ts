import { Command } from 'commander';
import { loadApp } from '../load-app.js';

/** `tq revoke <id...> --app <module> [--terminate]`: revoke tasks on every worker. */
export function revokeCommand(): Command {
  return new Command('revoke')
    .description('revoke tasks: workers discard them, or abort them when running with --terminate')
    .argument('<ids...>', 'task ids')
    .requiredOption('-A, --app <module>', 'module that exports the app')
    .option('--terminate', 'also abort attempts already running', false)
    .action(async (ids: string[], options: { app: string; terminate: boolean }) => {
      const app = await loadApp(options.app);
      for (const id of ids) {
        await app.revoke(id, { terminate: options.terminate });
        process.stdout.write(`revoked ${id}\n`);
      }
      await app.close();
    });
}
