// Argument handling shared by the commands that read YAML (`validate`, `plan`): the same
// -f/-o flags, the same help and usage errors.
import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';

export const FILE_OPTIONS = {
  filename: { type: 'string', short: 'f', multiple: true },
  output: { type: 'string', short: 'o', default: 'text' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsOptionsConfig;

export interface FileCommandValues {
  filename?: string[];
  output?: string;
  help?: boolean;
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
  if (!values.filename?.length || !['text', 'json'].includes(values.output ?? '')) {
    console.error(help);
    return usageExit;
  }
  return values;
}
