import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { promisify } from 'node:util';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PackedPackage, packPackages } from '../pack/pack-packages.js';
import { publishedPackages, repositoryRoot } from '../pack/published-packages.js';

// What npm would receive, checked by the tools users' registries and editors trust: publint (package.json
// against the files), arethetypeswrong (types resolve as the JavaScript does), and the facts ADR 30 fixes.
const packages = publishedPackages();
const root = JSON.parse(readFileSync(join(repositoryRoot, 'package.json'), 'utf8')) as {
  repository: { url: string };
  bugs: { url: string };
};
const destination = mkdtempSync(join(tmpdir(), 'tq-pack-'));
let packed: PackedPackage[] = [];

beforeAll(async () => {
  packed = await packPackages(destination);
}, 240_000);
afterAll(() => rmSync(destination, { recursive: true, force: true }));

const packedAs = (name: string): PackedPackage => {
  const pkg = packed.find((candidate) => candidate.name === name);
  if (!pkg) throw new Error(`${name} was not packed`);
  return pkg;
};

describe.each(packages.map((pkg) => pkg.name))('%s', (name) => {
  it('publint (strict) reports nothing', async () => {
    const tarball = readFileSync(packedAs(name).tarball);
    const { messages, pkg } = await publint({
      pack: { tarball: tarball.buffer.slice(tarball.byteOffset, tarball.byteOffset + tarball.byteLength) as ArrayBuffer },
      strict: true,
    });
    expect(messages.map((message) => `${message.type} ${message.code}: ${formatMessage(message, pkg)}`)).toEqual([]);
  });

  it('arethetypeswrong (ESM only) reports nothing', async () => {
    // esm-only: `require()` of an ES module is not checked, because these packages are ESM only (ADR 30).
    const args = [packedAs(name).tarball, '--profile', 'esm-only', '--no-definitely-typed', '--format', 'ascii', '--no-color'];
    const outcome = await promisify(execFile)(join(repositoryRoot, 'node_modules/.bin/attw'), args).then(
      () => 'no problems',
      (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ''}${error.stderr ?? ''}`,
    );
    expect(outcome).toBe('no problems');
  }, 60_000);

  it('ships LICENSE, README, its sources and source maps that resolve inside the tarball', () => {
    const { files, dir } = packedAs(name);
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'src/index.ts', 'dist/index.js']));
    expect(readFileSync(join(dir, 'LICENSE'), 'utf8'), 'a copy of the root LICENSE').toBe(
      readFileSync(join(repositoryRoot, 'LICENSE'), 'utf8'),
    );
    const shipped = new Set(files);
    const maps = files.filter((file) => file.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(0);
    const unresolved = maps.flatMap((map) => {
      const { sources, sourceRoot = '' } = JSON.parse(readFileSync(join(dir, map), 'utf8')) as { sources: string[]; sourceRoot?: string };
      return sources.map((source) => posix.join(posix.dirname(map), sourceRoot, source)).filter((source) => !shipped.has(source));
    });
    expect(unresolved).toEqual([]);
  });

  it('points at the repository, is ESM only, and takes @tq/core as a peer', () => {
    const { manifest } = packedAs(name);
    const directory = posix.join('packages', name.replace('@tq/', ''));
    expect(manifest).toMatchObject({
      license: 'MIT',
      type: 'module',
      engines: { node: '>=20' },
      repository: { type: 'git', url: root.repository.url, directory },
      bugs: root.bugs,
    });
    expect(manifest.homepage).toBe(`${root.repository.url.replace(/^git\+/, '').replace(/\.git$/, '')}/tree/main/${directory}#readme`);
    if (name === '@tq/core') return;
    // One copy of core per app: a normal dependency would nest a second one (and a second error root).
    expect(manifest.dependencies ?? {}).not.toHaveProperty('@tq/core');
    expect(manifest.peerDependencies).toMatchObject({ '@tq/core': 'workspace:^' });
  });
});
