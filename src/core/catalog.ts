// What the admin API and the CLI need from a cloud provider's services, without knowing the cloud:
// their names, which are running, coverage, their admin routes, and POST /_fogbank/call. The AWS
// provider implements it (src/aws/index.ts); the Google Cloud provider will too.
import type { AdminRoute } from './service.ts';

/** Which operations one service implements (GET /_fogbank/services, `npm run coverage`). */
export interface ServiceCoverage {
  name: string;
  serviceId: string;
  protocol: string;
  implemented: number;
  total: number;
  operations: Record<string, boolean>;
  /** Why the service could not be loaded (it is then counted with no operations). */
  error?: string;
}

/** A service's out-of-band routes and its state (opened, with background work started, on first use). */
export interface ServiceAdmin {
  routes: readonly AdminRoute[];
  state(): unknown;
}

export interface ServiceCatalog {
  /** Names of the registered services, known without loading any. */
  readonly names: readonly string[];
  isLoaded(name: string): boolean;
  /** Loads the service; undefined when there is no service of that name. */
  admin(name: string): Promise<ServiceAdmin | undefined>;
  coverage(): Promise<ServiceCoverage[]>;
  /** Runs any operation as an account, JSON in and out (POST /_fogbank/call). */
  call(body: Record<string, unknown>): Promise<unknown>;
}
