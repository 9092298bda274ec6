import { spawn, spawnSync } from 'node:child_process';
import { chmod, cp, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './project-root.js';

export const FERRETDB_VERSION = '1.24.2';
const MODULE = 'github.com/FerretDB/FerretDB';

export class DevDatabaseError extends Error {
  readonly code = 'DEV_DATABASE_UNAVAILABLE';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DevDatabaseError';
  }
}

/** Where the built binary lives: a git-ignored tools folder, one sub-folder per version. */
export function ferretDbBinaryPath(root = projectRoot()): string {
  return join(root, '.tools', `ferretdb-v${FERRETDB_VERSION}`, 'ferretdb');
}

function binaryWorks(binary: string): boolean {
  if (!existsSync(binary)) return false;
  const result = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  return result.status === 0 && result.stdout.includes(`version: v${FERRETDB_VERSION}`);
}

function goVersion(): string | undefined {
  const result = spawnSync('go', ['version'], { encoding: 'utf8', timeout: 30_000 });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

function run(
  command: string,
  args: string[],
  cwd: string,
  progress: (line: string) => void,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      for (const line of chunk.toString().split('\n')) if (line.trim()) progress(line.trim());
    });
    child.on('error', reject);
    child.on('close', (status) => {
      if (status === 0) resolve(stdout);
      else
        reject(
          new Error(`${command} ${args.join(' ')} exited with ${status}: ${stderr.trim().slice(-2000)}`),
        );
    });
  });
}

/**
 * Returns the path of a working FerretDB binary, building it on first use.
 *
 * Why not `go install …@v1.24.2`: a binary built that way panics at start ("Invalid build/version/version.txt"),
 * because FerretDB embeds its version from a file its release tooling writes. So we fetch the module through
 * the Go module proxy (`go mod download`), copy it to a writable folder, write that file, and build there.
 */
export async function ensureFerretDb(
  progress: (line: string) => void,
  root = projectRoot(),
): Promise<string> {
  const binary = ferretDbBinaryPath(root);
  if (binaryWorks(binary)) return binary;
  const go = goVersion();
  if (!go) {
    throw new DevDatabaseError(
      'Cannot start the embedded dev database because Go is not installed: set MONGODB_URI to a MongoDB ≥ 6 server, or install Go ≥ 1.24.',
    );
  }
  progress(`Building FerretDB ${FERRETDB_VERSION} with ${go} (first run only, takes a few minutes)…`);
  const toolsDir = join(root, '.tools');
  await mkdir(toolsDir, { recursive: true });
  const download = JSON.parse(
    await run('go', ['mod', 'download', '-json', `${MODULE}@v${FERRETDB_VERSION}`], toolsDir, progress),
  ) as { Dir?: string; Error?: string };
  if (!download.Dir)
    throw new DevDatabaseError(`go mod download failed: ${download.Error ?? 'no folder returned'}`);
  const source = join(toolsDir, `ferretdb-src-${process.pid}`);
  await rm(source, { recursive: true, force: true });
  await cp(download.Dir, source, { recursive: true });
  await makeWritable(source);
  await writeFile(join(source, 'build', 'version', 'version.txt'), `v${FERRETDB_VERSION}\n`);
  const built = `${binary}.${process.pid}.tmp`;
  await mkdir(join(toolsDir, `ferretdb-v${FERRETDB_VERSION}`), { recursive: true });
  progress('Compiling FerretDB (go build)…');
  await run('go', ['build', '-buildvcs=false', '-trimpath', '-o', built, './cmd/ferretdb'], source, progress);
  // rename() is atomic: two processes building at once both end with one complete binary.
  await rename(built, binary);
  await rm(source, { recursive: true, force: true });
  if (!binaryWorks(binary)) throw new DevDatabaseError(`FerretDB was built at ${binary} but does not run`);
  progress(`FerretDB ${FERRETDB_VERSION} built at ${binary}`);
  return binary;
}

/** The module cache is read-only; the copy must be writable to add version.txt and to delete it later. */
async function makeWritable(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await makeWritable(path);
    else await chmod(path, 0o644);
  }
}
