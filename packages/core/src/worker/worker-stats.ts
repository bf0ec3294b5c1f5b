import type { ControlledWorker } from './controlled-worker.js';

/** URL schemes that mean TLS. */
const TLS_SCHEMES = new Set(['rediss:', 'amqps:']);

/**
 * `inspect stats` in Celery's shape (`WorkController.stats()`): `total`, `pid`, `clock`, `uptime`,
 * `pool`, `broker`, `prefetch_count`, `rusage`. Flower shows these on its worker page. A tq worker
 * runs async tasks in its own process (and CPU-bound ones in pool children), so the pool lists its own pid.
 */
/** `stats.pool.implementation` per `WorkerOptions.pool`. */
const POOL_IMPLEMENTATIONS = { inline: 'tq:AsyncPool', threads: 'tq:ThreadPool', processes: 'tq:ProcessPool' } as const;

export function workerStats(worker: ControlledWorker): Record<string, unknown> {
  const { rt } = worker;
  return {
    total: Object.fromEntries(rt.totals),
    pid: process.pid,
    // Celery sends the clock as a string here (`str(app.clock)`).
    clock: String(rt.host.clock.value),
    uptime: Math.round((Date.now() - worker.startedAt) / 1000),
    pool: {
      implementation: POOL_IMPLEMENTATIONS[rt.pool],
      'max-concurrency': worker.concurrency,
      processes: [process.pid],
      'max-tasks-per-child': 'N/A',
      // tq's own: children per pool kind (`pool_grow`/`pool_shrink` change it), and those running now.
      'pool-size': rt.pools.poolSize,
      children: rt.pools.children(),
      'put-guarded-by-semaphore': false,
      timeouts: [0, 0],
      writes: 'N/A',
    },
    broker: brokerInfo(rt.host.describe().broker, rt.broker.transport.address),
    prefetch_count: worker.prefetch,
    rusage: rusage(),
  };
}

/** kombu's `Connection.info()` from what tq knows (the masked URL, the broker's address), never credentials. */
function brokerInfo(described: string, address: string | undefined): Record<string, unknown> {
  let url: URL | undefined;
  try {
    url = new URL(described);
  } catch {
    // A broker object rather than a URL: its class name is all there is.
  }
  const [host, port] = (address ?? url?.host ?? '').split(',')[0]?.split(':') ?? [];
  return {
    hostname: host || url?.hostname || null,
    userid: url?.username ? decodeURIComponent(url.username) : null,
    virtual_host: url && url.pathname.length > 1 ? decodeURIComponent(url.pathname.slice(1)) : '/',
    port: port ? Number(port) : null,
    insist: false,
    ssl: url !== undefined && TLS_SCHEMES.has(url.protocol),
    transport: url ? url.protocol.slice(0, -1) : described,
    connect_timeout: null,
    transport_options: {},
    login_method: null,
    uri_prefix: null,
    heartbeat: null,
    failover_strategy: 'round-robin',
    alternates: [],
  };
}

/** Python's `resource.getrusage(RUSAGE_SELF)` fields from Node's `process.resourceUsage()` (times in seconds). */
function rusage(): Record<string, number> {
  const u = process.resourceUsage();
  return {
    utime: u.userCPUTime / 1e6,
    stime: u.systemCPUTime / 1e6,
    maxrss: u.maxRSS,
    ixrss: u.sharedMemorySize,
    idrss: u.unsharedDataSize,
    isrss: u.unsharedStackSize,
    minflt: u.minorPageFault,
    majflt: u.majorPageFault,
    nswap: u.swappedOut,
    inblock: u.fsRead,
    oublock: u.fsWrite,
    msgsnd: u.ipcSent,
    msgrcv: u.ipcReceived,
    nsignals: u.signalsCount,
    nvcsw: u.voluntaryContextSwitches,
    nivcsw: u.involuntaryContextSwitches,
  };
}
