import { defineProject, type UserWorkspaceConfig } from 'vitest/config';
import { sourceConditions } from '../vitest.shared.js';
import { selectedServices } from './harness/selected-services.js';
import { serviceNames } from './harness/service-names.js';

/** Test files that take a shared broker down (a restart) and so must run with nothing beside them. */
export const aloneFiles = 'test/**/*.alone.test.ts';

/**
 * One of the two integration projects: `integration` (files side by side) or `integration-alone`
 * (files that restart a broker, one at a time, after everything that runs side by side).
 *
 * TRANSPORTS=redis,sqs: tests of other transports are not even collected. A transport's
 * tests live in files or folders named after it: test/**\/<name>.test.ts, <name>.*.test.ts, <name>/.
 */
export function integrationProject(options: {
  name: string;
  include: string;
  exclude?: string;
  maxWorkers: number;
  groupOrder: number;
}): UserWorkspaceConfig {
  const selected = selectedServices();
  const unselected = serviceNames.filter((name) => !selected.includes(name));
  return defineProject({
    ...sourceConditions,
    test: {
      name: options.name,
      root: import.meta.dirname,
      include: [options.include],
      exclude: [
        ...(options.exclude ? [options.exclude] : []),
        ...unselected.flatMap((name) => [`test/**/${name}.test.ts`, `test/**/${name}.*.test.ts`, `test/**/${name}/**`]),
      ],
      // One broker set for every project of the run (see global-setup.ts).
      globalSetup: ['./harness/global-setup.ts'],
      pool: 'forks',
      maxWorkers: options.maxWorkers,
      // Vitest runs groups one after another: unit tests (0), files side by side (1), files alone and chaos (2).
      sequence: { groupOrder: options.groupOrder },
      fileParallelism: options.maxWorkers > 1,
      testTimeout: 60_000,
      hookTimeout: 60_000,
    },
  });
}
