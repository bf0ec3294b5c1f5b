#!/usr/bin/env node
// The `tq` bin, committed so that installing the workspace can link it before anything is built
// (a bin pointing into dist/ is skipped with a warning on a fresh clone). It only loads the build.
import '../dist/bin.js';
