#!/usr/bin/env node
// The `seawall` executable of the package and the image (dist/cli/bin.js). It checks the
// Node.js version first — on Node 20 a dependency fails at import with a TypeError that
// says nothing about versions — then turns source maps on before the CLI's modules load,
// so a stack trace names src/**/*.ts lines (the files people read), not emitted JavaScript.
const MIN_NODE_MAJOR = 24;
const major = Number(process.versions.node.split('.')[0]);
if (major < MIN_NODE_MAJOR) {
  console.error(
    `seawall needs Node.js ${MIN_NODE_MAJOR} or later; this is Node.js ${process.versions.node}`,
  );
  process.exit(1);
}
process.setSourceMapsEnabled(true);
await import('./main.ts');
