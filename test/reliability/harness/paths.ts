import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The project root and the compiled entry point `npm start` runs. */
export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
export const BOT_MAIN = join(ROOT, 'dist', 'bot', 'main.js');
