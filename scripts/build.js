#!/usr/bin/env node
// `npm start`'s build (`npm run build`: tsc -b, then the web pages), saying what it does: a first build takes minutes on a small
// machine, a later one seconds. On a terminal the elapsed time counts up; otherwise one line
// before and one after. Exits with the build's code.
'use strict';
const { spawn } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');
const began = Date.now();
const elapsed = () => `${((Date.now() - began) / 1000).toFixed(1)} s`;
const tty = process.stdout.isTTY === true;
const doing = '[switchyard] building (TypeScript and the web pages; the first build takes a few minutes)';
const status = () => `${doing}... ${elapsed()}`;

process.stdout.write(tty ? status() : `${doing}\n`);
const timer = tty ? setInterval(() => process.stdout.write(`\r\x1b[K${status()}`), 1000) : undefined;
const build = spawn('npm', ['run', 'build', '--silent'], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'pipe'],
});
let output = '';
build.stdout.on('data', (chunk) => (output += chunk));
build.stderr.on('data', (chunk) => (output += chunk));
build.on('exit', (code) => {
  clearInterval(timer);
  if (tty) process.stdout.write('\r\x1b[K');
  process.stdout.write(output);
  process.stdout.write(
    code === 0 ? `[switchyard] built in ${elapsed()}\n` : `[switchyard] the build failed (exit ${code})\n`,
  );
  process.exit(code ?? 1);
});
