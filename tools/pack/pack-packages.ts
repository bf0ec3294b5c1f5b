import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type PublishedPackage, publishedPackages, repositoryRoot } from './published-packages.js';

/** A package packed as npm would receive it. */
export interface PackedPackage extends PublishedPackage {
  /** Absolute path of the .tgz. */
  tarball: string;
  /** Paths inside the tarball, relative to its package folder (`dist/index.js`, ...). */
  files: string[];
}

/**
 * `pnpm pack`s every published package into `destination` — pnpm, because it turns `workspace:`
 * ranges into versions as publishing does. Builds them first through turbo, so what is packed is
 * the source as it is (a cache hit when `pnpm test` has just built them, as it has).
 */
export async function packPackages(destination: string): Promise<PackedPackage[]> {
  const packages = publishedPackages();
  const filters = packages.flatMap((pkg) => ['--filter', pkg.name]);
  await pnpm('exec', 'turbo', 'run', 'build', '--output-logs=errors-only', ...filters);
  const stdout = await pnpm('--recursive', ...filters, 'pack', '--pack-destination', destination, '--json');
  const packed = JSON.parse(stdout) as { name: string; filename: string; files: { path: string }[] }[];
  return packages.map((pkg) => {
    const result = packed.find((entry) => entry.name === pkg.name);
    if (!result) throw new Error(`pnpm pack did not pack ${pkg.name}`);
    return { ...pkg, tarball: result.filename, files: result.files.map((file) => file.path) };
  });
}

/** Runs the repository's pinned pnpm (`packageManager`) from the root; resolves to its stdout. */
async function pnpm(...args: string[]): Promise<string> {
  const { packageManager } = JSON.parse(readFileSync(join(repositoryRoot, 'package.json'), 'utf8')) as { packageManager: string };
  const { stdout } = await promisify(execFile)('npx', ['--yes', packageManager, ...args], {
    cwd: repositoryRoot,
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}
