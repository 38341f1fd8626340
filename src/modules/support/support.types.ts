import { staffData } from '../../auth/type-access.js';
import { connectionTypes } from '../../graphql/connection.js';
import { SupportConversation, SupportMessage } from './support.entities.js';

export const { ConnectionType: SupportConversationConnection } = connectionTypes(
  'SupportConversation',
  SupportConversation,
  'support conversation',
);
export const { ConnectionType: SupportMessageConnection } = connectionTypes(
  'SupportMessage',
  SupportMessage,
  'support message',
);

staffData(SupportConversation, {
  ownerOf: (conversation) => conversation.user.id,
  note: 'the conversation’s user',
});
staffData(SupportMessage, {
  ownerOf: (message) => message.owner.id,
  note: 'the user whose conversation it is',
});
