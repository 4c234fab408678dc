// npm run docs: writes docs/configuration.md from the services' env schemas (a test checks it).
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { configurationDoc } = require('../packages/stack/dist/config-docs.js');

void configurationDoc().then((text) => {
  writeFileSync(join(__dirname, '..', 'docs', 'configuration.md'), text);
  process.stdout.write('wrote docs/configuration.md\n');
});
