// The package's entry ('fogbank'): create, start and stop a Fogbank in your own process; test suites use 'fogbank/testing'.
import './core/quiet-warnings.ts';
export { createFogbank, type Fogbank, type FogbankOptions } from './fogbank.ts';
