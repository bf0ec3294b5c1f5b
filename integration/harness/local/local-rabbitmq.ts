import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureAptPackages } from '../ensure-apt-packages.js';
import { freePort } from '../free-port.js';
import { type ManagedProcess, spawnManaged } from '../managed-process.js';
import { probeService } from '../probe-service.js';
import { isAlive, stopProcessGroup } from '../process-group.js';
import { processRegistry } from '../process-registry.js';
import { runCommand } from '../run-command.js';
import type { RunningService, StartContext } from '../running-service.js';
import { testCaEnv, testCertificates } from '../test-certificates.js';
import { waitUntil } from '../wait-until.js';
import { which } from '../which.js';

// Debian's /usr/sbin wrappers re-exec through `su rabbitmq`, which hides the real pid. As
// root we run the scripts behind them directly, as the rabbitmq user, so we own the pids.
const debianBin = '/usr/lib/rabbitmq/bin';

interface Layout {
  server: string;
  ctl: string;
  epmd: string;
  user: { uid: number; gid: number } | undefined;
}

async function layout(): Promise<Layout> {
  const wrapper = await ensureAptPackages('rabbitmq-server', ['rabbitmq-server']);
  const epmd = which('epmd');
  if (!epmd) throw new Error('epmd (Erlang) not found next to rabbitmq-server');
  if (process.getuid?.() === 0 && existsSync(`${debianBin}/rabbitmq-server`)) {
    const uid = Number(await runCommand('id', ['-u', 'rabbitmq']));
    const gid = Number(await runCommand('id', ['-g', 'rabbitmq']));
    return { server: `${debianBin}/rabbitmq-server`, ctl: `${debianBin}/rabbitmqctl`, epmd, user: { uid, gid } };
  }
  const ctl = which('rabbitmqctl');
  if (!ctl) throw new Error('rabbitmqctl not found next to rabbitmq-server');
  return { server: wrapper, ctl, epmd, user: undefined };
}

function chownTree(path: string, user: { uid: number; gid: number }): void {
  chownSync(path, user.uid, user.gid);
  if (statSync(path).isDirectory()) for (const entry of readdirSync(path)) chownTree(join(path, entry), user);
}

/**
 * A private RabbitMQ node (Debian's `rabbitmq-server`, installed when missing): its own node
 * name, AMQP/distribution ports, data and log dirs, Erlang cookie (private HOME) and its own
 * epmd on a private port. It never touches a system node or the shared epmd on 4369, so
 * everything it runs can be killed by pid. A restart keeps the data dir (durable queues
 * survive, as on a real broker restart).
 */
export async function localRabbitmq(context: StartContext): Promise<RunningService> {
  const { server, ctl, epmd, user } = await layout();
  const [port, tlsPort, distPort, epmdPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const node = `tq-harness-${port}@localhost`;
  const dir = context.dir;
  for (const sub of ['home', 'mnesia', 'log']) mkdirSync(join(dir, sub), { recursive: true });
  // Its own copy of the certificates: the node runs as the rabbitmq user, which must read the key.
  const certificates = await testCertificates(join(dir, 'tls'));
  writeFileSync(join(dir, 'enabled_plugins'), '[].\n');
  writeFileSync(join(dir, 'rabbitmq-env.conf'), '');
  writeFileSync(
    join(dir, 'rabbitmq.conf'),
    [
      'loopback_users.guest = true',
      'log.console = false',
      `listeners.ssl.default = 127.0.0.1:${tlsPort}`,
      `ssl_options.cacertfile = ${certificates.ca}`,
      `ssl_options.certfile = ${certificates.cert}`,
      `ssl_options.keyfile = ${certificates.key}`,
      'ssl_options.verify = verify_peer',
      'ssl_options.fail_if_no_peer_cert = false',
      '',
    ].join('\n'),
  );
  if (user) chownTree(dir, user);
  const pidFile = join(dir, 'rabbitmq.pid');
  const env = {
    HOME: join(dir, 'home'),
    ERL_EPMD_PORT: String(epmdPort),
    RABBITMQ_NODENAME: node,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_PID_FILE: pidFile,
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
    RABBITMQ_CONF_ENV_FILE: join(dir, 'rabbitmq-env.conf'),
    // Distribution (rabbitmqctl's channel) on loopback only, like everything else.
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-kernel inet_dist_use_interface {127,0,0,1}',
  };
  const asUser = user ? { uid: user.uid, gid: user.gid } : {};
  const url = `amqp://guest:guest@127.0.0.1:${port}`;

  const epmdProcess = spawnManaged({
    label: 'epmd',
    command: epmd,
    args: ['-port', String(epmdPort), '-address', '127.0.0.1'],
    cwd: dir,
    logFile: join(dir, 'epmd.log'),
    ...asUser,
  });
  let serverProcess: ManagedProcess | undefined;
  let beamPid: number | undefined;

  const start = async () => {
    const child = spawnManaged({
      label: 'rabbitmq-server',
      command: server,
      args: [],
      env,
      cwd: dir,
      logFile: join(dir, 'server.log'),
      ...asUser,
    });
    serverProcess = child;
    await waitUntil(() => probeService('amqp', { AMQP_URL: url }), {
      what: `RabbitMQ node ${node}`,
      timeoutMs: 90_000,
      intervalMs: 300,
      abortIf: () => child.assertRunning(),
    });
    // The script forks the Erlang VM (beam.smp); it writes its own pid here. Record it so
    // `down`, and the clean-up test, can check the VM itself and not only the script.
    beamPid = Number(readFileSync(pidFile, 'utf8').trim());
    processRegistry.add({ pid: beamPid, group: false, command: 'beam' });
  };

  const stopNode = async () => {
    if (!serverProcess) return;
    // Graceful first (flushes queues to disk), then by pid whatever is left.
    await runCommand(ctl, ['-n', node, 'stop'], { env, cwd: dir, timeoutMs: 60_000, ...asUser }).catch(() => undefined);
    await stopProcessGroup(serverProcess.pid);
    if (beamPid !== undefined) {
      if (isAlive(beamPid)) process.kill(beamPid, 'SIGKILL');
      processRegistry.remove(beamPid);
    }
    serverProcess = undefined;
    beamPid = undefined;
  };

  await start();
  const version = (await runCommand(ctl, ['-n', node, 'version'], { env, cwd: dir, ...asUser }).catch(() => '')).trim();
  let stopped = false;
  return {
    name: 'amqp',
    mode: 'local',
    description: `rabbitmq-server ${version || '?'}`,
    env: { AMQP_URL: url, AMQP_TLS_URL: `amqps://guest:guest@127.0.0.1:${tlsPort}`, ...testCaEnv(certificates) },
    processes: () => [
      { pid: epmdProcess.pid, group: true, command: epmd },
      ...(serverProcess ? [{ pid: serverProcess.pid, group: true, command: server }] : []),
      ...(beamPid === undefined ? [] : [{ pid: beamPid, group: false, command: 'beam' }]),
    ],
    async restart() {
      await stopNode();
      await start();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await stopNode();
      await stopProcessGroup(epmdProcess.pid);
    },
    detach() {
      epmdProcess.detach();
      serverProcess?.detach();
    },
  };
}
