import { dirname, join } from 'node:path';
import ts from 'typescript';
import type { Sample } from './samples-of.js';

/**
 * Type-check every sample against the workspace packages (their source, through the `@tq/source`
 * condition of tsconfig.base.json) in one program, and return one line per problem:
 * `<doc>:<line>:<column> TS<code>: <message>`, lines and columns counted in the markdown file.
 * Each sample is a module in a folder named after its page (`docs/guide/tasks/app.ts`), which
 * exists only in memory; ESM like the packages, since the repository's package.json says so.
 */
export function checkSamples(root: string, samples: readonly Sample[]): string[] {
  const problems: string[] = [];
  const byPath = new Map<string, Sample>();
  for (const sample of samples) {
    const path = join(root, sample.doc.replace(/\.md$/, ''), sample.file);
    const earlier = byPath.get(path);
    if (earlier) problems.push(`${sample.doc}:${sample.line}:1 two blocks are ${sample.file} (the other at line ${earlier.line})`);
    else byPath.set(path, sample);
  }
  const config = ts.readConfigFile(join(root, 'tsconfig.base.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const compilerOptions = { ...options, noEmit: true, declaration: false, declarationMap: false, sourceMap: false };
  const host = ts.createCompilerHost(compilerOptions);
  const folders = new Set([...byPath.keys()].map((path) => dirname(path)));
  const { fileExists, readFile, directoryExists, getSourceFile } = host;
  host.fileExists = (path) => byPath.has(path) || fileExists.call(host, path);
  host.readFile = (path) => byPath.get(path)?.code ?? readFile.call(host, path);
  host.directoryExists = (path) => folders.has(path) || (directoryExists?.call(host, path) ?? ts.sys.directoryExists(path));
  host.getSourceFile = (path, language, ...rest) => {
    const sample = byPath.get(path);
    return sample ? ts.createSourceFile(path, sample.code, language, true) : getSourceFile.call(host, path, language, ...rest);
  };
  const program = ts.createProgram([...byPath.keys()], compilerOptions, host);
  for (const diagnostic of [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()]) {
    problems.push(`compiler options: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`);
  }
  for (const [path, sample] of byPath) {
    const source = program.getSourceFile(path);
    if (!source) continue;
    for (const diagnostic of [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]) {
      const { line, character } = source.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n  ');
      problems.push(`${sample.doc}:${sample.line + line}:${sample.indent + character + 1} TS${diagnostic.code}: ${message}`);
    }
  }
  return problems;
}
