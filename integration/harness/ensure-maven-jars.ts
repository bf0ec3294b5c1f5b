import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { ensureAptPackages } from './ensure-apt-packages.js';
import { log } from './log.js';
import { runCommand } from './run-command.js';

/** What to fetch with {@link ensureMavenJars}. */
export interface MavenJars {
  /** Pinned POM listing the runtime, e.g. `tools/brokers/kafka/pom.xml`. */
  pom: string;
  /** Where the jars go, e.g. `.cache/brokers/kafka-4.3.1/libs`. */
  libsDir: string;
  /** `-D` properties, e.g. `{ 'kafka.version': '3.9.2' }`. */
  properties?: Record<string, string>;
  /** Maven profile to activate instead of the default one. */
  profile?: string;
}

// Two concurrent Maven runs may write the same artifact in ~/.m2 at once; fetch one at a time.
let queue: Promise<unknown> = Promise.resolve();

/**
 * Copies the runtime classpath of `pom` from Maven Central (via ~/.m2) into `libsDir`, once:
 * a marker file records a complete copy, so an interrupted fetch is redone. Returns `libsDir`.
 */
export function ensureMavenJars(jars: MavenJars): Promise<string> {
  const marker = `${jars.libsDir}/.complete`;
  if (existsSync(marker)) return Promise.resolve(jars.libsDir);
  const result = queue.then(async () => {
    const mvn = await ensureAptPackages('mvn', ['maven']);
    log(`fetching jars for ${jars.libsDir.split('/').at(-2)} with mvn (first run only) …`);
    rmSync(jars.libsDir, { recursive: true, force: true });
    mkdirSync(jars.libsDir, { recursive: true });
    const properties = Object.entries(jars.properties ?? {}).map(([key, value]) => `-D${key}=${value}`);
    await runCommand(
      mvn,
      [
        '-q',
        '-B',
        '-f',
        jars.pom,
        ...(jars.profile ? ['-P', jars.profile] : []),
        ...properties,
        'dependency:copy-dependencies',
        '-DincludeScope=runtime',
        `-DoutputDirectory=${jars.libsDir}`,
      ],
      { timeoutMs: 600_000 },
    );
    writeFileSync(marker, `${new Date().toISOString()}\n`);
    return jars.libsDir;
  });
  queue = result.catch(() => undefined);
  return result;
}
