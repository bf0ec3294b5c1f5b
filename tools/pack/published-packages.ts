import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The repository root (tools/pack/../..). */
export const repositoryRoot = join(import.meta.dirname, '../..');

/** A workspace package that goes to npm. */
export interface PublishedPackage {
  /** `@tq/core`, ... */
  name: string;
  /** Absolute path of its folder. */
  dir: string;
  /** Its package.json as written in the repository (with `workspace:` ranges). */
  manifest: Record<string, unknown>;
}

/** Every package under packages/ that is not private, in folder order. */
export function publishedPackages(): PublishedPackage[] {
  const root = join(repositoryRoot, 'packages');
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => {
      const dir = join(root, entry.name);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
      return { name: String(manifest.name), dir, manifest };
    })
    .filter((pkg) => pkg.manifest.private !== true);
}
