import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { permissionTable } from '../auth/permission-table.js';
import { createAppPubSub } from '../realtime/pubsub.js';
import { createSchema, printSchemaSdl } from '../schema.js';
import { PROJECT_ROOT } from '../util/project-root.js';

// `npm run schema`: writes what the code defines, both committed and checked by tests: the SDL
// to schema.graphql and who may use each operation and field to docs/permissions.md
const schema = await createSchema(createAppPubSub(undefined).pubSub);
const outputs = {
  'schema.graphql': printSchemaSdl(schema),
  'docs/permissions.md': permissionTable(schema),
};
for (const [file, text] of Object.entries(outputs)) {
  const target = join(PROJECT_ROOT, file);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, text);
  console.log(`wrote ${target}`);
}
