import { graphql } from 'graphql';
import { Field, FieldResolver, ObjectType, Query, Resolver } from 'type-graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Public } from '../src/auth/operation-access.js';
import { permissionTable } from '../src/auth/permission-table.js';
import { openData } from '../src/auth/type-access.js';
import { type Credential, viewerFor } from '../src/auth/credentials.js';
import { createContext } from '../src/context.js';
import { Family } from '../src/modules/family/family.entity.js';
import { createAppPubSub } from '../src/realtime/pubsub.js';
import { createSchema } from '../src/schema.js';
import { createFamily } from './factories/families.js';
import { createUser } from './factories/users.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

// What a hurried engineer might add later: a field on Family, an operation that forgets its
// check, a type nobody classified. The access path must hold anyway.

@ObjectType({ description: 'A type that nobody gave an access policy.' })
class Unclassified {
  @Field({ description: 'Something of a family.' })
  secret!: string;
}

@Resolver()
class UnclassifiedResolver {
  @Public('test')
  @Query(() => Unclassified, { description: 'Returns an unclassified type.' })
  unclassified(): Unclassified {
    return { secret: 'x' };
  }
}

@Resolver()
class UndeclaredOperationResolver {
  @Query(() => String, { description: 'An operation without an access decorator.' })
  undeclared(): string {
    return 'x';
  }
}

@Resolver(() => Family)
class CarelessResolver {
  @Public('a careless operation that hands out any family')
  @Query(() => Family, { nullable: true, description: 'Any family, unchecked.' })
  anyFamily(): Promise<Family | null> {
    return t.server.app.orm.em.fork().findOne(Family, { id: carelessFamilyId });
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'A field added later, with no rule of its own.',
  })
  addedLater(): string {
    return 'added later';
  }
}

@ObjectType({ description: 'Open on purpose.' })
class Declared {
  @Field({ description: 'Nothing of a family.' })
  value!: string;
}
openData(Declared, 'a test type');

let t: TestServer;
/** The family the careless operation hands out (no arguments: test files get no parameter decorators). */
let carelessFamilyId = 0;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

const pubSub = () => createAppPubSub(undefined).pubSub;
const session = (token: string): Credential => ({ kind: 'session', token });

describe('closed by default', () => {
  it('refuses to build a schema with an object type that has no access policy', async () => {
    await expect(createSchema(pubSub(), [UnclassifiedResolver])).rejects.toThrow(/Unclassified/);
  });

  it('refuses to build a schema with an operation that declares no access rule', async () => {
    await expect(createSchema(pubSub(), [UndeclaredOperationResolver])).rejects.toThrow(
      /Query\.undeclared/,
    );
  });

  it('keeps a field added to a family type closed until a rule opens it', async () => {
    void Declared;
    const schema = await createSchema(pubSub(), [CarelessResolver]);
    expect(permissionTable(schema)).toContain(
      '| `Family.addedLater` | VIEW: main user, manager, caregiver |',
    );
    const f = await createFamily(t, { caregivers: 1, pending: 1 });
    carelessFamilyId = f.family.id;
    const stranger = await createUser(t);
    const ask = async (credential: Credential) => {
      const em = t.server.app.orm.em.fork();
      const viewer = await viewerFor(em, credential);
      const result = await graphql({
        schema,
        source: '{ anyFamily { familyName memo addedLater } }',
        contextValue: createContext(t.server.app, {
          requestId: 'test',
          transport: 'http',
          em,
          viewer,
        }),
      });
      return {
        data: result.data?.['anyFamily'] ?? null,
        codes: (result.errors ?? []).map(
          (e) => `${e.path?.at(-1)}:${String(e.extensions['code'])}`,
        ),
      };
    };
    expect(await ask(session(f.caregivers[0]!.token))).toEqual({
      data: { familyName: f.family.familyName, memo: null, addedLater: 'added later' },
      codes: [],
    });
    expect(await ask(session(f.pending[0]!.token))).toEqual({
      data: { familyName: f.family.familyName, memo: null, addedLater: null },
      codes: ['memo:FORBIDDEN', 'addedLater:FORBIDDEN'],
    });
    const outside = await ask(session(stranger.token));
    expect(outside.data).toBeNull();
    expect(outside.codes).toContain('familyName:NOT_FOUND');
    expect((await ask({ kind: 'none' })).codes).toContain('familyName:NOT_FOUND');
    expect((await ask({ kind: 'device', token: f.device.token })).codes).toEqual([
      'memo:FORBIDDEN',
      'addedLater:FORBIDDEN',
    ]);
  });
});
