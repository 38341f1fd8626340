import { graphql } from 'graphql';
import { FieldResolver, Query, Resolver } from 'type-graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Credential, viewerFor } from '../src/auth/credentials.js';
import { Public } from '../src/auth/operation-access.js';
import { permissionTable } from '../src/auth/permission-table.js';
import { createContext } from '../src/context.js';
import { User, UserRole } from '../src/modules/account/user.entity.js';
import { SupportConversation } from '../src/modules/support/support.entities.js';
import { createAppPubSub } from '../src/realtime/pubsub.js';
import { createSchema } from '../src/schema.js';
import { createFamily } from './factories/families.js';
import { createUser } from './factories/users.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

// A careless operation that hands out any support conversation, unchecked, and a field added
// later with no rule: the staff-data policy must still keep them to the user and staff.

let t: TestServer;
let conversationId = 0;

@Resolver(() => SupportConversation)
class CarelessSupportResolver {
  @Public('a careless operation that hands out any support conversation')
  @Query(() => SupportConversation, { nullable: true, description: 'Any conversation.' })
  anyConversation(): Promise<SupportConversation | null> {
    return t.server.app.orm.em.fork().findOne(SupportConversation, { id: conversationId });
  }

  @FieldResolver(() => String, { description: 'A field added later, with no rule of its own.' })
  addedLater(): string {
    return 'added later';
  }
}

beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

describe('support data is closed by default', () => {
  it('shows a conversation to its user and staff only, new fields included', async () => {
    const schema = await createSchema(createAppPubSub(undefined).pubSub, [CarelessSupportResolver]);
    expect(permissionTable(schema)).toContain(
      '| `SupportConversation` | staff (ADMIN); the conversation’s user |',
    );
    const owner = await createUser(t);
    const staff = await createUser(t, { role: UserRole.ADMIN });
    const stranger = await createUser(t);
    const f = await createFamily(t);
    const em = t.server.app.orm.em.fork();
    const conversation = em.create(SupportConversation, {
      user: em.getReference(User, owner.user.id),
      subject: 'private',
    });
    await em.flush();
    conversationId = conversation.id;
    const ask = async (credential: Credential) => {
      const fork = t.server.app.orm.em.fork();
      const viewer = await viewerFor(fork, credential);
      const result = await graphql({
        schema,
        source: '{ anyConversation { subject addedLater } }',
        contextValue: createContext(t.server.app, {
          requestId: 'test',
          transport: 'http',
          em: fork,
          viewer,
        }),
      });
      return {
        data: result.data?.['anyConversation'] ?? null,
        codes: (result.errors ?? []).map(
          (e) => `${e.path?.at(-1)}:${String(e.extensions['code'])}`,
        ),
      };
    };
    const readable = { data: { subject: 'private', addedLater: 'added later' }, codes: [] };
    expect(await ask({ kind: 'session', token: owner.token })).toEqual(readable);
    expect(await ask({ kind: 'session', token: staff.token })).toEqual(readable);
    for (const credential of [
      { kind: 'session', token: stranger.token },
      { kind: 'device', token: f.device.token },
      { kind: 'none' },
    ] as Credential[]) {
      const answer = await ask(credential);
      expect(answer.data).toBeNull();
      expect(answer.codes).toContain('subject:NOT_FOUND');
    }
  });
});
