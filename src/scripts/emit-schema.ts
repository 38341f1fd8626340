import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAppPubSub } from '../realtime/pubsub.js';
import { createSchema, printSchemaSdl } from '../schema.js';
import { PROJECT_ROOT } from '../util/project-root.js';

// `npm run schema`: writes the SDL that the code defines to schema.graphql (committed)
const target = join(PROJECT_ROOT, 'schema.graphql');
const schema = await createSchema(createAppPubSub(undefined).pubSub);
writeFileSync(target, printSchemaSdl(schema));
console.log(`wrote ${target}`);
