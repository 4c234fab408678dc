import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// One page per folder, each served by the gateway under its folder's name (/graphiql/, ...),
// with every script, style and worker bundled here: the pages never load anything from elsewhere.
const pages = ['graphiql', 'dashboard'];

export default defineConfig({
  plugins: [react()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'ui',
    // Monaco (GraphiQL's editor) is one large chunk however it is split; it is served from this host.
    chunkSizeWarningLimit: 8000,
    rollupOptions: {
      input: Object.fromEntries(pages.map((page) => [page, resolve(import.meta.dirname, page, 'index.html')])),
      // GraphiQL's modules begin with React compiler directives ("use no memo") a bundle drops, harmlessly.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
});
