/** The examples `tq --help` and `tq worker --help` end with: the commands people run first. */
export const helpExamples = {
  program: `
Examples:
  $ tq worker --app ./dist/app.js                          run the app's tasks (see: tq worker --help)
  $ tq status --app ./dist/app.js                          the workers online
  $ tq inspect active --app ./dist/app.js                  what they run now
  $ tq purge celery --app ./dist/app.js                    drop every waiting message of a queue

In production run the bin with node (node node_modules/.bin/tq worker ...), or exec it from a
container's entrypoint: npx does not pass SIGTERM on. A TypeScript app module needs a loader:
node --import tsx node_modules/.bin/tq worker --app ./src/app.ts. Guide: docs/cli.md.
`,
  worker: `
Every option can come from the environment instead: --prefetch-multiplier is TQ_PREFETCH_MULTIPLIER
(shown above as env:); the command line wins. Yes/no flags take 1/true/yes/on or 0/false/no/off.

Examples:
  $ tq worker --app ./dist/app.js --queues celery,emails -c 16
  $ tq worker --app ./dist/app.js -n 'emails@%h' -E --track-started
  $ tq worker --app ./dist/app.js --prefetch-multiplier 1      tasks of seconds or more: spread evenly over workers
  $ tq worker --app ./dist/app.js --pool processes -c 4 --max-tasks-per-child 100 --time-limit 60
  $ TQ_QUEUES=celery,emails TQ_CONCURRENCY=16 node node_modules/.bin/tq worker --app ./dist/app.js

The broker is the app's (createApp({ broker })): a worker on memory:// can only run tasks its own
process sends, and says so at start.
`,
};
