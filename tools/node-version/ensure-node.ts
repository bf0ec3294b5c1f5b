import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type NodeMajor, nodeVersions } from './node-versions.js';

const root = join(import.meta.dirname, '../..');

/**
 * The directory of a `node` binary of `major`: the running one when it is of that major, else the
 * pinned version from the npm registry (the `node-<platform>-<arch>` package) in `.cache/node<major>`,
 * installed on first use and again when the pin changes.
 */
export function ensureNode(major: NodeMajor): string {
  if (Number(process.versions.node.split('.')[0]) === major) return dirname(process.execPath);
  const version = nodeVersions[major];
  const pkg = `node-${process.platform}-${process.arch}`;
  const prefix = join(root, '.cache', `node${major}`);
  const bin = join(prefix, 'node_modules', pkg, 'bin');
  if (installedVersion(join(bin, 'node')) !== `v${version}`) {
    console.log(`Installing Node ${version} (${pkg}) into ${prefix}`);
    try {
      const args = ['install', '--prefix', prefix, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', `${pkg}@${version}`];
      execFileSync('npm', args, { stdio: 'inherit' });
    } catch (error) {
      throw new Error(`Cannot install Node ${version} as ${pkg}@${version} from npm; put a Node ${major} first in PATH instead`, {
        cause: error,
      });
    }
    const got = installedVersion(join(bin, 'node'));
    if (got !== `v${version}`) throw new Error(`${pkg}@${version} installed, but ${join(bin, 'node')} reports ${got ?? 'nothing'}`);
  }
  return bin;
}

function installedVersion(node: string): string | undefined {
  if (!existsSync(node)) return undefined;
  try {
    return execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}
