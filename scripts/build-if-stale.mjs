#!/usr/bin/env node
// `npm start` and `npm run cli` run the bundled bot (one Node process, as the Docker image does), so they build
// first when dist/ is missing or older than what goes into it: src/, the build script, and the installed libraries
// (npm rewrites node_modules/.package-lock.json on every install). A current build costs a few milliseconds of stat
// calls; a stale one runs `npm run build`'s script, under a second.
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
  mtime(join(root, 'scripts', 'build.mjs')),
  mtime(join(root, 'package.json')),
  mtime(join(root, 'node_modules', '.package-lock.json')),
);
const outputs = Math.min(mtime(join(root, 'dist', 'main.js')), mtime(join(root, 'dist', 'cli', 'index.js')));
if (outputs >= inputs) process.exit(0);

process.stderr.write('modelarts-chatops: building dist/ from src/ (npm run build)…\n');
const result = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
process.exit(result.status ?? 1);
