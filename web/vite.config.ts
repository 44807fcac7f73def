import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run dev -w web` serves the app with hot reload and sends /api and /v1 to a Tollgate on :8080.
const tollgate = process.env.TOLLGATE_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react(), tailwindcss()],
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    target: 'es2022',
    // Budget: the first load stays under 250 KB gzipped (scripts/build.mjs reports it).
    chunkSizeWarningLimit: 1200,
  },
  // ES module workers can split: the token counter loads only the encoding the model needs.
  worker: { format: 'es' },
  server: { proxy: { '/api': tollgate, '/v1': tollgate } },
});
