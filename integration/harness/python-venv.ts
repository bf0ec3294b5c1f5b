import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { log } from './log.js';
import { repoRoot } from './paths.js';
import { runCommand } from './run-command.js';
import { which } from './which.js';

/** The pinned Python peer: Celery and its dependencies, frozen. */
export const pythonRequirementsFile = `${repoRoot}integration/python/requirements.txt`;

/** Virtualenvs live here, one per requirements hash (`.cache/` is ignored by git). */
const pythonCacheDir = process.env.TQ_PYTHON_CACHE_DIR ?? `${repoRoot}.cache/python`;

/**
 * The `python` of a virtualenv holding exactly {@link pythonRequirementsFile}, created on first use
 * and again only when that file changes (the venv's folder is named after its hash), so a warm run
 * costs a stat. Never touches the machine's global Python.
 *
 * The venv is built in a temporary folder and renamed into place when complete: a run killed
 * half-way leaves no venv that looks ready. Callers run tools as `python -m celery`, which works
 * from the renamed folder (the venv's console scripts would not: they carry absolute shebangs).
 *
 * @throws when `python3` is missing or pip cannot install the requirements (the error has pip's output).
 */
export async function ensurePythonVenv(): Promise<string> {
  const hash = createHash('sha256').update(readFileSync(pythonRequirementsFile)).digest('hex').slice(0, 12);
  const venv = `${pythonCacheDir}/venv-${hash}`;
  const python = `${venv}/bin/python`;
  if (existsSync(python)) return python;
  const python3 = which('python3');
  if (!python3) throw new Error('python3 is not on PATH: the Celery interop tests need it (Debian: apt-get install python3 python3-venv)');
  mkdirSync(pythonCacheDir, { recursive: true });
  const building = `${venv}.building-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  const started = Date.now();
  log(`python: creating a virtualenv with ${pythonRequirementsFile} (once per change of that file)`);
  try {
    await runCommand(python3, ['-m', 'venv', building]);
    await runCommand(
      `${building}/bin/python`,
      ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-r', pythonRequirementsFile],
      {
        timeoutMs: 600_000,
      },
    );
    // Another run may have finished the same venv meanwhile: theirs is as good as ours.
    if (existsSync(python)) rmSync(building, { recursive: true, force: true });
    else renameSync(building, venv);
  } catch (error) {
    rmSync(building, { recursive: true, force: true });
    throw error;
  }
  log(`python: virtualenv ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return python;
}
