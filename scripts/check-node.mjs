// Refuse to run on a Node older than the one Conflux is built for, with a message that says what to do.
const [major] = process.versions.node.split('.').map(Number);
if (major < 24) {
  console.error(
    `Conflux needs Node.js 24 LTS or newer; this is Node ${process.versions.node}.\n` +
      'Install Node 24 (for example `npm i -g --prefix ~/.node24 node@24` and put ~/.node24/bin first on PATH) and try again.',
  );
  process.exit(1);
}
