// The fuzzer's requests: request number `index` of run `seed` is always the same request, so a run
// (or one request of it) replays exactly.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import type { ServiceModel } from '../../../src/aws/protocol/model.ts';
import { Rng, seedFor } from './random.ts';
import { INPUT_MUTATIONS, inputFor, type Known } from './inputs.ts';
import { WIRE_MUTATIONS, requestFor, type WireRequest } from './wire.ts';

const SERVICES_DIR = new URL('../../../src/aws/services/', import.meta.url);

/** Every generated service model, by service folder name. */
export function loadModels(): Array<[string, ServiceModel]> {
  return readdirSync(SERVICES_DIR)
    .filter((name) => existsSync(new URL(`${name}/generated/model.json`, SERVICES_DIR)))
    .sort()
    .map((name) => [name, JSON.parse(readFileSync(new URL(`${name}/generated/model.json`, SERVICES_DIR), 'utf8')) as ServiceModel]);
}

/**
 * Request `index` of run `seed`. Mostly operations the service implements (`implemented`, by service),
 * where parsing and handlers go deepest; some of the others, which must answer 501 NotImplemented.
 */
export function generate(models: Array<[string, ServiceModel]>, implemented: Record<string, string[]>, seed: number, index: number, known: Known): WireRequest {
  const rng = new Rng(seedFor(seed, index));
  const [service, model] = rng.pick(models);
  const handled = implemented[service] ?? [];
  const operation = handled.length && rng.chance(0.9) ? rng.pick(handled) : rng.pick(Object.keys(model.operations).sort());
  const inputRef = model.operations[operation].input;
  // The resources everything else aims at are not for deleting.
  const input = inputFor(model, inputRef, rng, /^(Delete|Purge|Remove)/.test(operation) ? {} : known);
  const mutations: string[] = [];
  // One request in ten stays valid: the baseline must hold too.
  if (rng.chance(0.9)) {
    const inputFirst = rng.chance(0.5);
    if (inputFirst || rng.chance(0.3)) {
      // DynamoDB's documents nest by design: its nesting limit gets a share of its own.
      const name = service === 'dynamodb' && rng.chance(0.2) ? 'deep AttributeValue' : rng.pick(Object.keys(INPUT_MUTATIONS));
      INPUT_MUTATIONS[name](model, input, inputRef, rng);
      mutations.push(name);
    }
    if (!inputFirst || rng.chance(0.3)) mutations.push(rng.pick(Object.keys(WIRE_MUTATIONS)));
  }
  const asQuery = !!model.metadata.awsQueryCompatible && rng.chance(0.3);
  const req = requestFor(service, model, operation, input, rng, asQuery);
  for (const name of mutations) if (WIRE_MUTATIONS[name]) WIRE_MUTATIONS[name](req, rng);
  req.mutations = mutations;
  return req;
}
