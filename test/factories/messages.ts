import { User } from '../../src/modules/account/user.entity.js';
import { Family } from '../../src/modules/family/family.entity.js';
import { Message } from '../../src/modules/message/message.entity.js';
import type { TestServer } from '../helpers/test-server.js';

/**
 * A message written straight to the database, e.g. with a chosen `createdAt` for time-range
 * tests. The caller picks users who share `familyId`; nothing is checked here.
 */
export async function createMessage(
  t: TestServer,
  options: {
    familyId: number;
    fromUserId: number;
    toUserId: number;
    content?: string;
    createdAt?: Date;
    readAt?: Date | null;
  },
): Promise<Message> {
  const em = t.server.app.orm.em.fork();
  const message = em.create(Message, {
    family: em.getReference(Family, options.familyId),
    fromUser: em.getReference(User, options.fromUserId),
    toUser: em.getReference(User, options.toUserId),
    content: options.content ?? 'hello',
    ...(options.createdAt === undefined ? {} : { createdAt: options.createdAt }),
    ...(options.readAt === undefined ? {} : { readAt: options.readAt }),
  });
  await em.flush();
  return message;
}

/** `count` messages one minute apart, oldest first, starting at `start`; content "#1", "#2", … */
export async function createMessages(
  t: TestServer,
  count: number,
  options: { familyId: number; fromUserId: number; toUserId: number; start: Date },
): Promise<Message[]> {
  const em = t.server.app.orm.em.fork();
  const messages = Array.from({ length: count }, (_, i) =>
    em.create(Message, {
      family: em.getReference(Family, options.familyId),
      fromUser: em.getReference(User, options.fromUserId),
      toUser: em.getReference(User, options.toUserId),
      content: `#${i + 1}`,
      createdAt: new Date(options.start.getTime() + i * 60_000),
    }),
  );
  await em.flush();
  return messages;
}
