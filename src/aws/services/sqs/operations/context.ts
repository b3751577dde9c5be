// The request context SQS handlers run in: the engine is the service's store.
import type { RequestContext } from '../../../../core/service.ts';
import type { SqsEngine } from '../engine.ts';

export type SqsContext = RequestContext<SqsEngine>;
