import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

// main: the Electron shell and the headless host share one build; headless.js never loads 'electron'.
// joint-worker.js is the worker thread of large joint delegation rounds (delegation/joint-pool.ts
// looks for it beside the main process's files); checkpoint-worker.js runs the WAL checkpoints
// (db/checkpointer.ts), read-worker.js the whole-table counts (db/background-reader.ts); all found
// by core/worker-script.ts.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'electron/main.ts'),
          headless: resolve(__dirname, 'electron/headless.ts'),
          cli: resolve(__dirname, 'electron/cli/index.ts'),
          'joint-worker': resolve(__dirname, 'electron/delegation/joint-worker.ts'),
          'checkpoint-worker': resolve(__dirname, 'electron/db/checkpoint-worker.ts'),
          'read-worker': resolve(__dirname, 'electron/db/read-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload can require only 'electron': bundle zod and the contract into it.
      externalizeDeps: false,
      outDir: 'out/preload',
      rollupOptions: { input: { index: resolve(__dirname, 'preload/index.ts') } },
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    plugins: [react()],
    build: {
      minify: true,
      outDir: resolve(__dirname, 'out/renderer'),
      rollupOptions: { input: { index: resolve(__dirname, 'renderer/index.html') } },
    },
  },
});
