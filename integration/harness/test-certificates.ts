import { copyFileSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from './paths.js';
import { runCommand } from './run-command.js';
import { which } from './which.js';

/** PEM files (and a PKCS#12 keystore for Kafka) of a throwaway CA and a server certificate it signed. */
export interface TestCertificates {
  dir: string;
  /** The CA clients must trust (`TQ_TEST_CA`). */
  ca: string;
  /** Server certificate for `localhost` and `127.0.0.1`, signed by `ca`. */
  cert: string;
  key: string;
  /** `cert` + `key` as PKCS#12 (Kafka's keystore), password {@link keystorePassword}. */
  p12: string;
  /** A second CA that signed nothing the brokers use: "wrong CA" tests trust only this (`TQ_TEST_OTHER_CA`). */
  otherCa: string;
}

/** Env vars naming the CA files for test workers: the brokers' CA, and one that signed none of them. */
export function testCaEnv(certificates: TestCertificates): Record<string, string> {
  return { TQ_TEST_CA: certificates.ca, TQ_TEST_OTHER_CA: certificates.otherCa };
}

/** Password of the PKCS#12 keystore; throwaway test material, never a secret. */
export const keystorePassword = 'tq-test-only';

const validDays = 30;
const dir = `${cacheDir}/tls`;
let pending: Promise<TestCertificates> | undefined;

/**
 * The harness's test certificates, made with the openssl CLI once and cached (like broker jars)
 * until a day before they expire, then copied into `toDir`: a run keeps its own copy, so a
 * concurrent run renewing the cache cannot change the CA under it. Never trust them outside a test.
 */
export async function testCertificates(toDir: string): Promise<TestCertificates> {
  pending ??= ensureCertificates().catch((error: unknown) => {
    pending = undefined;
    throw error;
  });
  const cached = await pending;
  const copy = filesIn(toDir);
  mkdirSync(toDir, { recursive: true });
  for (const name of Object.keys(cached) as (keyof TestCertificates)[]) {
    if (name !== 'dir') copyFileSync(cached[name], copy[name]);
  }
  return copy;
}

function filesIn(base: string): TestCertificates {
  return {
    dir: base,
    ca: join(base, 'ca.crt'),
    cert: join(base, 'server.crt'),
    key: join(base, 'server.key'),
    p12: join(base, 'server.p12'),
    otherCa: join(base, 'other-ca.crt'),
  };
}

async function ensureCertificates(): Promise<TestCertificates> {
  const openssl = which('openssl');
  if (!openssl) throw new Error('openssl not found: the harness makes its test certificates with it (apt-get install openssl)');
  const cached = filesIn(dir);
  if (Object.values(cached).every((path) => existsSync(path))) {
    const fresh = await runCommand(openssl, ['x509', '-checkend', '86400', '-noout', '-in', cached.cert]).then(
      () => true,
      () => false,
    );
    if (fresh) return cached;
  }
  // Made in a private dir and renamed into place, so concurrent harness runs never see half a set.
  mkdirSync(cacheDir, { recursive: true });
  const scratch = mkdtempSync(join(cacheDir, 'tls-'));
  const made = filesIn(scratch);
  const run = (args: string[]) => runCommand(openssl, args, { cwd: scratch });
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await run(['req', '-x509', ...ecKey, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', `${validDays}`, '-subj', '/CN=tq test CA']);
  await run([
    'req',
    '-x509',
    ...ecKey,
    '-keyout',
    'other-ca.key',
    '-out',
    'other-ca.crt',
    '-days',
    `${validDays}`,
    '-subj',
    '/CN=tq other CA',
  ]);
  await run(['req', ...ecKey, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost']);
  writeFileSync(
    join(scratch, 'server.ext'),
    'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n',
  );
  await run([
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    `${validDays}`,
    '-extfile',
    'server.ext',
    '-out',
    'server.crt',
  ]);
  await run([
    'pkcs12',
    '-export',
    '-in',
    'server.crt',
    '-inkey',
    'server.key',
    '-out',
    'server.p12',
    '-passout',
    `pass:${keystorePassword}`,
  ]);
  if (!Object.values(made).every((path) => existsSync(path))) throw new Error(`openssl did not make every test certificate in ${scratch}`);
  rmSync(dir, { recursive: true, force: true });
  try {
    renameSync(scratch, dir);
  } catch {
    // Another run renamed its set into place first: use that one.
    rmSync(scratch, { recursive: true, force: true });
  }
  return cached;
}
