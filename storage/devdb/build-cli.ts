/** `npm run devdb:build`: builds the FerretDB dev server ahead of time (npm start and npm test also do it on demand). */
import { ensureFerretDb } from './ferretdb-build.js';

try {
  const binary = await ensureFerretDb((line) => process.stderr.write(`${line}\n`));
  process.stdout.write(`${binary}\n`);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
