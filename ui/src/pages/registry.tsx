// Pages of individual services, added as each service gains one. Services without a page are shown
// by the generic view (pages/Services.tsx).
import type { ComponentType } from 'react';

export interface ServicePage {
  /** URL segment under /_fogbank/ui/, e.g. 's3'. */
  path: string;
  title: string;
  /** Fogbank's service name(s) the page covers. */
  services: string[];
  Component: ComponentType<{ path: string }>;
}

export const servicePages: ServicePage[] = [];
