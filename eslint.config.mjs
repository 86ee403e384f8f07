// Lint: recommended rules plus the layering of ARCHITECTURE.md as no-restricted-imports.
// Flat config replaces (does not merge) a rule's options per file, so each layer below lists
// every restriction that applies to it. electron/lint-layering.test.ts proves the rules bite.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const TS_FILES = ['**/*.{ts,tsx,mts,cts}'];

const anchored = (name) => [`/${name}`, `/${name}/**`];

/** The 'electron' module: only electron/main.ts and preload/index.ts may load it. */
const ELECTRON_MODULE = {
  group: anchored('electron'),
  message: "Only electron/main.ts and preload/index.ts import 'electron'; pass what you need in as plain data or a structural type.",
};
/** Nothing outside renderer/ imports it. */
const INTO_RENDERER = {
  group: ['**/renderer', '**/renderer/**'],
  message: 'Nothing imports renderer/: it is the top layer.',
};
/** The renderer is browser code: no Electron, no Node, no addons, no engine room. */
const RENDERER_TO_ENGINE = {
  group: ['**/electron', '**/electron/**', '**/native', '**/native/**'],
  message: 'renderer/ talks to the engine room only through the bridge (preload/contract types + window.delegate or WebSocket).',
};
const NODE_BUILTINS = {
  group: ['node:*', ...builtinModules.filter((name) => !name.startsWith('_')).flatMap(anchored)],
  message: 'renderer/ runs in a browser sandbox: no Node built-ins.',
};
const NATIVE_ADDONS = {
  group: [
    ...anchored('better-sqlite3'),
    ...anchored('serialport'),
    '/@serialport/**',
    '/node-opcua',
    '/node-opcua-*',
    '/node-opcua/**',
    '/node-opcua-*/**',
  ],
  message: 'renderer/ cannot load native addons or protocol stacks; they live in electron/ and native/.',
};
/** native/ is below electron/: it opens addons and checks ABIs, and knows nothing above it. */
const NATIVE_UPWARDS = {
  group: ['**/electron', '**/electron/**', '**/renderer', '**/renderer/**'],
  message: 'native/ may not import electron/ (or the electron module) or renderer/.',
};
/** The agent SDK and the examples stand on the gateway's wire format alone: the contract's types, no engine room. */
const SDK_TO_ENGINE = {
  group: ['**/electron', '**/electron/**', '**/native', '**/native/**', '**/renderer', '**/renderer/**', '**/preload/index*'],
  message: 'sdk/ and examples/ talk to Delegate only over HTTP/WebSocket; they may import preload/contract (types) and sdk/, nothing of the engine room.',
};
/** The contract is pure data: zod and nothing else. */
const CONTRACT_ONLY_ZOD = {
  regex: '^(?!zod(/|$))',
  message: 'preload/contract.ts imports only zod: it is shared by every layer.',
};

const restrict = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export default defineConfig([
  globalIgnores(['out/', 'node_modules/', 'dist/', 'test-results/', 'playwright-report/', 'coverage/']),

  js.configs.recommended,
  ...tseslint.configs.recommended.map((config) => ({ ...config, files: config.files ?? TS_FILES })),
  {
    files: TS_FILES,
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    files: ['**/*.{js,cjs}'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { sourceType: 'module', globals: { ...globals.node } },
  },
  {
    files: ['electron/**', 'native/**', 'preload/**', 'e2e/**', 'bench/**', 'scripts/**', 'sdk/**', 'examples/**', '*.config.*'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
    },
  },

  // --- Layering: later entries replace earlier ones for the files they name. ---
  { files: ['**/*.{ts,tsx,mts,cts,js,mjs,cjs}'], rules: restrict(ELECTRON_MODULE, INTO_RENDERER) },
  { files: ['renderer/**'], rules: restrict(RENDERER_TO_ENGINE, ELECTRON_MODULE, NODE_BUILTINS, NATIVE_ADDONS) },
  { files: ['native/**'], rules: restrict(ELECTRON_MODULE, NATIVE_UPWARDS) },
  { files: ['sdk/**', 'examples/**'], rules: restrict(ELECTRON_MODULE, SDK_TO_ENGINE) },
  { files: ['preload/contract.ts'], rules: restrict(CONTRACT_ONLY_ZOD) },
  { files: ['electron/main.ts', 'preload/index.ts'], rules: restrict(INTO_RENDERER) },
]);
