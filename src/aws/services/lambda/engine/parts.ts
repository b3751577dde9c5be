// What Lambda's background engines (the asynchronous queue, event source mappings and their pollers)
// use of its state. An interface of its own, so that state.ts, which builds the engines, and the
// engines do not import each other; LambdaState satisfies it.
import type { Environment } from '../../../../core/environment.ts';
import type { LambdaTables } from '../store.ts';
import type { Executor } from './executor.ts';

export interface EngineParts {
  readonly env: Environment;
  readonly tables: LambdaTables;
  readonly executor: Executor;
}
