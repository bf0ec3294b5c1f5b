import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { deleteCliQueues } from './delete-cli-queues.js';
import { type CliTransport, cliAppOf } from './fixtures/cli-app-of.js';
import { TqProcesses, until } from './tq-process.js';

/**
 * The real `tq` binary (from source, through tsx) against a real broker: `tq worker -n ... -E`,
 * then `tq status`, `tq inspect`, `tq control`, and `tq events` (the raw stream and the live
 * view, piped) as separate processes, as an operator would run them. Ends with `tq control
 * shutdown`, which stops the worker process warmly.
 */
export function cliScenario(transport: CliTransport): void {
  const suffix = randomUUID();
  const node = `cli-${suffix}@%h`;
  const expanded = `cli-${suffix}@${hostname()}`;
  const queue = `cli-${suffix}`;
  const tq = new TqProcesses(transport);

  afterAll(async () => {
    tq.stopAll();
    await deleteCliQueues(transport, [queue]);
  });

  describe(`tq status, inspect, control and events on ${transport}`, { timeout: 120_000 }, () => {
    it('lists, inspects and steers a tq worker, watches its events, and shuts it down', async () => {
      const worker = tq.start('worker', '-n', node, '-E', '-Q', queue, '-c', '2');
      const dump = tq.start('events', '--json');
      const live = tq.start('events', '--refresh', '0.2');
      await until(() => worker.stderr().includes('ready: consuming'), `the worker (stderr: ${worker.stderr()})`);
      expect(worker.stderr()).toContain(`tq worker ${expanded}`);
      await until(() => dump.stdout().includes(`"hostname":"${expanded}"`), 'a worker event in tq events --json');

      const [status, limited, registered, nobody] = await Promise.all([
        tq.run('status', '-d', expanded, '-t', '10'),
        tq.run('control', 'rate_limit', 'cli.add', '100/s', '-d', expanded, '-t', '10'),
        tq.run('inspect', 'registered', '-d', expanded, '-t', '10'),
        tq.run('inspect', 'ping', '-d', `nobody-${suffix}@nowhere`, '-t', '0.5'),
      ]);
      expect(status).toMatchObject({ code: 0, stdout: `->  ${expanded}: OK\n\n1 node online.\n` });
      expect(limited).toMatchObject({ code: 0, stdout: `->  ${expanded}: OK\n        new rate limit set successfully\n` });
      expect(registered).toMatchObject({ code: 0, stdout: expect.stringMatching(new RegExp(`^->  ${expanded}: OK\n    \\* cli\\.add`)) });
      expect(registered.stdout).toMatch(/\n\n1 node online\.\n$/);
      expect(nobody).toMatchObject({ code: 69, stdout: '' });
      // The message ends stderr (the AWS SDK may warn about the Node version before it).
      expect(nobody.stderr).toMatch(/(^|\n)Error: No nodes replied within time constraint\n$/);

      const client = await cliAppOf(transport);
      const sent = await client.getTask('cli.add')?.applyAsync([2, 3], { queue });
      await client.close();
      await until(() => dump.stdout().includes('"type":"task-succeeded"'), 'task-succeeded in tq events --json');
      const events = dump
        .stdout()
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { type: string; uuid?: string; result?: string });
      expect(events.filter((e) => e.uuid === sent?.id).map((e) => e.type)).toEqual(['task-received', 'task-started', 'task-succeeded']);
      expect(events.find((e) => e.type === 'task-succeeded')?.result).toBe('5');
      await until(() => new RegExp(`${expanded.replace(/\./g, '\\.')} +online`).test(live.stdout()), 'the worker online in the live view');

      const shutdown = await tq.run('control', 'shutdown', '-d', expanded, '-t', '10');
      expect(shutdown).toMatchObject({ code: 0, stdout: `->  ${expanded}: OK\n        shutdown sent\n` });
      expect(await worker.exited).toBe(0);
      expect(worker.stderr()).toContain('remote control: the worker shut down (warm)');
      await until(() => dump.stdout().includes('"type":"worker-offline"'), 'worker-offline in tq events --json');

      dump.child.kill('SIGINT');
      live.child.kill('SIGINT');
      expect(await Promise.all([dump.exited, live.exited])).toEqual([0, 0]);
      expect(live.stdout()).not.toContain('\x1b[');
    });
  });
}
