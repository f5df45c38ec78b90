// Vitest global setup of the integration project: one local stack for the whole run,
// stopped when the run ends, pass or fail.
import type { TestProject } from 'vitest/node';
import { type StackInfo, startStack } from './stack.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackInfo;
  }
}

export default async function setup(project: TestProject) {
  const stack = await startStack();
  const { processes: _p, stop: _s, ...info } = stack;
  project.provide('stack', info);
  return async () => {
    await stack.stop();
  };
}
