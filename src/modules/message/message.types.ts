import { registerEnumType } from 'type-graphql';
import { connectionTypes } from '../../graphql/connection.js';
import { Message } from './message.entity.js';

export enum MessageBox {
  INBOX = 'INBOX',
  SENT = 'SENT',
}
registerEnumType(MessageBox, {
  name: 'MessageBox',
  description: 'Which side of your messages to list.',
  valuesConfig: {
    INBOX: { description: 'Messages sent to you.' },
    SENT: { description: 'Messages you sent.' },
  },
});

export const { ConnectionType: MessageConnection, EdgeType: MessageEdge } = connectionTypes(
  'Message',
  Message,
  'message',
);
