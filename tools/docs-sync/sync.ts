/**
 * What README.md and docs/**.md should say in their generated regions (`<!-- BEGIN <name> (pnpm docs:sync) -->`):
 *
 * - `transport-matrix`: README's transport table, capability cells read from every shipped variant;
 * - `capabilities:<page>`: a transport page's capability table; the values are read from the
 *   variants of that page, the "what it means here" column is prose kept from the doc;
 * - `code:<file>#<region>`: a code block equal to a `// #region` of a source file (a test that runs);
 * - `cli-options:<command>`: the flags of a `tq` command, with their variables and defaults (cli-options.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { BackendCapabilities, BrokerCapabilities } from '@tq/core';
import { cliOptionsTable } from './cli-options.js';
import { cellsOf, type Region, regionsOf, replaceRegions, sourceRegion, table } from './markdown.js';
import { buildVariants, type Variant } from './variants.js';

/** One markdown file with generated regions: what it says, and what it should say. */
export interface DocFile {
  /** Relative to the repository root. */
  path: string;
  current: string;
  expected: string;
}

/** Every markdown file with generated regions, with its expected text. */
export function syncDocs(root: string): DocFile[] {
  let variants: Variant[] | undefined;
  const built = () => {
    variants ??= buildVariants();
    return variants;
  };
  return markdownFiles(root).flatMap((path) => {
    const current = readFileSync(join(root, path), 'utf8');
    if (regionsOf(current).length === 0) return [];
    const expected = replaceRegions(current, (region) => render(root, region, built));
    return [{ path, current, expected }];
  });
}

function render(root: string, region: Region, variants: () => Variant[]): string {
  const [kind, argument = ''] = splitOnce(region.name, ':');
  switch (kind) {
    case 'transport-matrix':
      return transportMatrix(variants());
    case 'capabilities':
      return capabilityTable(argument, variants(), region.body);
    case 'cli-options':
      return cliOptionsTable(argument);
    case 'code': {
      const [file, name] = splitOnce(argument, '#');
      const source = readFileSync(join(root, file), 'utf8');
      return `\`\`\`ts\n${sourceRegion(source, name ?? '', file)}\n\`\`\``;
    }
    default:
      throw new Error(`Unknown generated region '${region.name}'`);
  }
}

// ---- README: the transport matrix --------------------------------------------------------------

function transportMatrix(variants: readonly Variant[]): string {
  const rows = variants
    .filter((v) => v.readme)
    .map((v) => [
      v.label,
      `\`${v.url}\``,
      `\`${v.pkg}\``,
      delayCell(v.broker.delay),
      v.broker.priority ? `0–${v.broker.priority.levels - 1}` : 'no',
      v.broker.deadLetter ? 'yes' : 'no',
      { none: '—', fifo: 'FIFO', 'per-key': 'per key' }[v.broker.ordering],
      monitoringCell(v.broker),
      resultsCell(v),
    ]);
  const header = ['transport', 'URL', 'package', 'delay', 'priorities', 'dead letters', 'ordering', 'inspect / events', 'results'];
  return `${table(header, rows)}

Generated from what each broker and backend declares (\`capabilities\`) by \`pnpm docs:sync\`. A delay
longer than one hop is sent on by core in hops; "emulated" delays are built from other broker features.
`;
}

function monitoringCell(broker: BrokerCapabilities): string {
  return [broker.broadcast ? 'inspect' : undefined, broker.events ? 'events' : undefined].filter(Boolean).join(', ') || 'no';
}

function delayCell(delay: BrokerCapabilities['delay']): string {
  if (!delay) return 'no';
  const kind = delay.emulated ? 'emulated' : 'native';
  return delay.maxDelayMs >= Number.MAX_SAFE_INTEGER ? kind : `${kind}, ≤ ${duration(delay.maxDelayMs)} a hop`;
}

function resultsCell(v: Variant): string {
  if ('advice' in v.results) return v.results.advice;
  const caps = v.results.capabilities;
  const traits = [caps.atomicCounters ? 'chords' : 'no chords', ...(caps.watch ? ['push'] : []), ...(caps.shared ? [] : ['caller only'])];
  if (v.results.note) traits.push(v.results.note);
  return `\`${new URL(v.results.url).protocol}//\` (${traits.join(', ')})`;
}

// ---- docs/transports/<page>.md: the capability table -------------------------------------------

/** Every broker capability, in table order; a capability added to the spec but not here fails the sync. */
const CAPABILITIES = [
  'delay',
  'priority',
  'ack',
  'visibilityTimeout',
  'extendVisibility',
  'deadLetter',
  'ordering',
  'broadcast',
  'events',
  'batchPublish',
  'maxMessageBytes',
  'requeueCountsAsDelivery',
] as const satisfies readonly (keyof BrokerCapabilities)[];

const PROSE = 'what it means here';

function capabilityTable(page: string, variants: readonly Variant[], body: string): string {
  const columns = variants.filter((v) => v.page?.name === page);
  if (columns.length === 0) throw new Error(`No transport variant has a column on page '${page}' (tools/docs-sync/variants.ts)`);
  for (const v of columns) {
    const unknown = Object.keys(v.broker).filter((key) => !(CAPABILITIES as readonly string[]).includes(key));
    if (unknown.length > 0) throw new Error(`${v.label} declares ${unknown.join(', ')}: add to CAPABILITIES in tools/docs-sync/sync.ts`);
  }
  const prose = proseOf(body);
  // Optional capabilities (requeueCountsAsDelivery) read as false where a transport leaves them out.
  const rows = CAPABILITIES.map((key) => [`\`${key}\``, ...columns.map((v) => value(key, v.broker[key] ?? false)), prose.get(key) ?? '']);
  const text = table(['capability', ...columns.map((v) => v.page?.column ?? v.label), PROSE], rows);
  const backends = new Map<string, BackendCapabilities>();
  for (const v of columns) if (!('advice' in v.results)) backends.set(`${new URL(v.results.url).protocol}//`, v.results.capabilities);
  const lines = [...backends].map(([scheme, caps]) => `\`${scheme}\` result backend: \`${literal(caps)}\`.`);
  return [text, ...lines].join('\n\n');
}

/** The prose column of the table in a region, by capability (the doc owns it; the values are generated). */
function proseOf(body: string): Map<string, string> {
  const rows = body.split('\n').filter((line) => line.trimStart().startsWith('|'));
  const header = rows[0] ? cellsOf(rows[0]) : [];
  const prose = new Map<string, string>();
  if (header[header.length - 1] !== PROSE) return prose;
  for (const row of rows.slice(2)) {
    const cells = cellsOf(row);
    prose.set((cells[0] ?? '').replaceAll('`', ''), cells[cells.length - 1] ?? '');
  }
  return prose;
}

function value(key: string, v: unknown): string {
  if (key === 'maxMessageBytes' && typeof v === 'number') {
    const unit = v % 1_048_576 === 0 ? ` (${v / 1_048_576} MiB)` : v % 1024 === 0 ? ` (${v / 1024} KiB)` : '';
    return `\`${number(v)}\`${unit}`;
  }
  return `\`${literal(v)}\``;
}

/** A value as TypeScript would write it: `{ maxDelayMs: 900_000, emulated: false }`, `per-key`, `true`. */
function literal(v: unknown): string {
  if (typeof v === 'number') return number(v);
  if (v !== null && typeof v === 'object') {
    return `{ ${Object.entries(v)
      .map(([key, inner]) => `${key}: ${literal(inner)}`)
      .join(', ')} }`;
  }
  return String(v);
}

function number(n: number): string {
  if (n === Number.MAX_SAFE_INTEGER) return 'MAX_SAFE_INTEGER';
  return n >= 10_000 ? String(n).replace(/\B(?=(\d{3})+$)/g, '_') : String(n);
}

function duration(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, 'days'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1000, 's'],
  ];
  const [size, unit] = units.find(([size]) => ms >= size) ?? [1, 'ms'];
  return `${Number((ms / size).toFixed(1))} ${unit}`;
}

// ---- files ---------------------------------------------------------------------------------------

function markdownFiles(root: string): string[] {
  const docs = readdirSync(join(root, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.md'))
    .map((file) => relative(root, join(root, 'docs', file)));
  return ['README.md', ...docs.sort()];
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + separator.length)];
}
