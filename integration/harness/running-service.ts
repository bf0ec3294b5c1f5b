import type { ServiceName } from './service-names.js';
import type { TestCertificates } from './test-certificates.js';

/** How a service was provided. */
export type ServiceMode = 'external' | 'container' | 'local';

/** A process the harness started, as recorded in the state file so anyone can stop it by pid. */
export interface ProcessRecord {
  pid: number;
  /** Set when `pid` leads its own process group (kill the group, not just the pid). */
  group: boolean;
  /** Executable (or a distinctive argument), checked against /proc before killing a stale pid. */
  command: string;
}

/** A service the harness provides for this run. */
export interface RunningService {
  readonly name: ServiceName;
  readonly mode: ServiceMode;
  /** What it is, for the summary line, e.g. `redis-server 7.0.15`. */
  readonly description: string;
  /** The env var(s) test code reads to reach it. */
  readonly env: Record<string, string>;
  /** Processes to stop (local mode); empty otherwise. */
  processes(): ProcessRecord[];
  /** Bounce the broker on the same address; throws in external mode. */
  restart(): Promise<void>;
  /** Stop it and remove its data; idempotent. No-op in external mode. */
  stop(): Promise<void>;
  /** Let the current process exit while the service keeps running (`pnpm brokers up`). */
  detach(): void;
}

/** What every starter gets. */
export interface StartContext {
  /** Private scratch directory for this service's data and logs. */
  dir: string;
  /** This run's test CA and server certificate, for the service's TLS listener (made once per run). */
  certificates(): Promise<TestCertificates>;
}
