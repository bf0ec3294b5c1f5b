import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Files known to run for minutes: conformance suites, beat crash tests, the Python interop suites. */
const LONG_FILES = /[.-]conformance\.test\.ts$|-beat\.test\.ts$|\.interop\.test\.ts$/;

/**
 * Vitest's order (files that failed last time, then the longest by the cache, else the largest),
 * with the files known to be long moved to the front. On a fresh clone there is no cache, and
 * these are small files that call a shared suite: run last, side by side with nothing left to
 * overlap, they would add minutes to the run.
 */
export class LongFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const isLong = (file: TestSpecification) => LONG_FILES.test(file.moduleId);
    return [...sorted.filter(isLong), ...sorted.filter((file) => !isLong(file))];
  }
}
