// RE2 (re2js: linear-time matching) for patterns that come from clients and models. Loaded on first
// use, not at start-up: importing it costs ~17 ms, and most runs never validate a pattern.
import { createRequire } from 'node:module';
import type { RE2JS as RE2JSClass } from 're2js';

const require = createRequire(import.meta.url);
let loaded: typeof RE2JSClass | undefined;

/** The RE2JS class (compile, LOOKBEHINDS, …). */
export function re2js(): typeof RE2JSClass {
  return (loaded ??= (require('re2js') as { RE2JS: typeof RE2JSClass }).RE2JS);
}

export type RE2JS = RE2JSClass;
