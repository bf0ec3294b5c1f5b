#!/usr/bin/env node
import { program } from './program.js';

program()
  .parseAsync()
  .catch((error: unknown) => {
    process.stderr.write(`tq: ${(error as Error).message}\n`);
    process.exit(1);
  });
