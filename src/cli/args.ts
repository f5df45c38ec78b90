// Argument handling shared by the commands that read YAML (`validate`, `plan`): the same
// -f/-k/-o flags, the same help and usage errors, the same idea of where relative paths
// start.
import { isAbsolute, join } from 'node:path';
import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';
import type { SourceOptions } from './sources.ts';

export const FILE_OPTIONS = {
  filename: { type: 'string', short: 'f', multiple: true },
  kustomize: { type: 'string', short: 'k', multiple: true },
  output: { type: 'string', short: 'o', default: 'text' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsOptionsConfig;

export interface FileCommandValues {
  filename?: string[];
  kustomize?: string[];
  output?: string;
  help?: boolean;
}

/**
 * The directory relative paths start from: the current one, except under `npm run` (and
 * `npm --prefix DIR run`), which changes into the package's directory first and leaves
 * the one the person typed the command in as INIT_CWD.
 */
export function invocationDir(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  return env.npm_lifecycle_event && env.INIT_CWD ? env.INIT_CWD : cwd;
}

/** A path the person typed, made absolute against invocationDir(). */
export function resolvePath(path: string, base = invocationDir()): string {
  return isAbsolute(path) ? path : join(base, path);
}

/** How the YAML named by -f/-k is read. */
export function sourceOptions(values: FileCommandValues, base = invocationDir()): SourceOptions {
  return { cwd: base, kustomize: values.kustomize ?? [] };
}

/**
 * Parses `argv`; returns the values, or the exit code when there is nothing to run
 * (0 after --help, `usageExit` after a usage error, which is printed with the help).
 */
export function parseFileCommandArgs<V extends FileCommandValues>(
  command: string,
  argv: string[],
  extra: ParseArgsOptionsConfig,
  help: string,
  usageExit: number,
): V | number {
  let values: V;
  try {
    ({ values } = parseArgs({ args: argv, options: { ...FILE_OPTIONS, ...extra } }) as {
      values: V;
    });
  } catch (error) {
    console.error(`seawall ${command}: ${(error as Error).message}\n\n${help}`);
    return usageExit;
  }
  if (values.help) {
    console.log(help);
    return 0;
  }
  if (
    (!values.filename?.length && !values.kustomize?.length) ||
    !['text', 'json'].includes(values.output ?? '')
  ) {
    console.error(help);
    return usageExit;
  }
  return values;
}
