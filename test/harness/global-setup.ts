// Vitest global setup of the integration project: one local stack for the whole run,
// stopped when the run ends, pass or fail.
import type { TestProject } from 'vitest/node';
import { type StackInfo, stackInfoOf, startStack } from './stack.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackInfo;
  }
}

export default async function setup(project: TestProject) {
  const stack = await startStack();
  project.provide('stack', stackInfoOf(stack));
  return async () => {
    await stack.stop();
  };
}
