#!/usr/bin/env node
// `npm start` and `npm run cli` run the compiled bot (one Node process, as the Docker image does), so they compile
// first when dist/ is missing or older than any source file. A fresh build costs a few milliseconds of stat calls;
// a stale one runs the same `tsc` as `npm run build`.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
}

const inputs = Math.max(
  newest(join(root, 'src')),
  mtime(join(root, 'tsconfig.json')),
  mtime(join(root, 'tsconfig.build.json')),
);
if (mtime(join(root, 'dist', 'main.js')) >= inputs) process.exit(0);

process.stderr.write('modelarts-chatops: compiling src/ to dist/ (npm run build)…\n');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
process.exit(result.status ?? 1);
