/**
 * The Node.js versions `pnpm test` runs on, pinned so a run is reproducible. Node 24 (active LTS)
 * runs the whole suite; Node 20 (end of life, the oldest that `engines` accepts) the unit tests and
 * the demo. A major the running Node already has is not downloaded (see ensure-node.ts).
 */
export const nodeVersions = {
  20: '20.20.2',
  24: '24.22.3',
} as const;

/** A major version `pnpm test` knows how to provide. */
export type NodeMajor = keyof typeof nodeVersions;
