import { Command } from 'commander';
import { loadApp } from '../load-app.js';

/** `tq purge <queue...> --app <module>`: delete every waiting message of the queues. */
export function purgeCommand(): Command {
  return new Command('purge')
    .description('delete every waiting message of the given queues')
    .argument('<queues...>', 'queue names')
    .requiredOption('-A, --app <module>', 'module that exports the app')
    .action(async (queues: string[], options: { app: string }) => {
      const app = await loadApp(options.app);
      const broker = await app.broker();
      for (const queue of queues) process.stdout.write(`${queue}: purged ${await broker.purge(queue)} message(s)\n`);
      await app.close();
    });
}
