/**
 * `npm run test:reliability`: the long reliability scenarios in test/reliability/ (child-process bots, a
 * FerretDB of their own, the sandbox tenant in its own process). Same ESM/ts-jest setup as jest.config.js;
 * files run one at a time (each keeps both cores busy) with a long timeout.
 */
import base from './jest.config.js';

export default {
  ...base,
  testMatch: ['<rootDir>/test/reliability/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  maxWorkers: 1,
  testTimeout: 20 * 60 * 1000,
};
