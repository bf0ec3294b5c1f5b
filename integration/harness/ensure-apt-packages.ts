import { log } from './log.js';
import { runCommand } from './run-command.js';
import { which } from './which.js';

// dpkg takes a lock: installs from parallel starters must queue. `apt-get update` runs once.
let queue: Promise<unknown> = Promise.resolve();
let updated = false;

/**
 * Makes `binary` available, installing the Debian `packages` that provide it when it is
 * missing and we are root on a system with apt-get. Otherwise throws saying what to install.
 * Returns the binary's path.
 */
export function ensureAptPackages(binary: string, packages: string[]): Promise<string> {
  const result = queue.then(async () => {
    const found = which(binary);
    if (found) return found;
    const apt = which('apt-get');
    if (!apt || process.getuid?.() !== 0) {
      throw new Error(`${binary} not found; install ${packages.join(' ')} (Debian/Ubuntu: sudo apt-get install -y ${packages.join(' ')})`);
    }
    const env = { DEBIAN_FRONTEND: 'noninteractive' };
    if (!updated) {
      log('apt-get update …');
      await runCommand(apt, ['update', '-q'], { env, timeoutMs: 300_000 });
      updated = true;
    }
    log(`apt-get install ${packages.join(' ')} …`);
    // policy-rc.d or a missing init system may refuse to start the distro service; harmless, we never use it.
    await runCommand(apt, ['install', '-y', '-q', '--no-install-recommends', ...packages], { env, timeoutMs: 600_000 });
    const installed = which(binary);
    if (!installed) throw new Error(`apt-get installed ${packages.join(' ')} but ${binary} is still not on PATH`);
    return installed;
  });
  queue = result.catch(() => undefined);
  return result;
}
