// The admin UI is served by Fogbank itself at /_fogbank/ui/ (src/admin/ui.ts serves ui/dist).
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/_fogbank/ui/',
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1000 },
  // `npm run ui:dev` proxies the admin API and AWS endpoints to a running Fogbank.
  server: { proxy: { '/_fogbank/call': 'http://127.0.0.1:4566', '/_fogbank/': { target: 'http://127.0.0.1:4566', bypass: (req) => (req.url?.startsWith('/_fogbank/ui') ? req.url : undefined) } } },
});
