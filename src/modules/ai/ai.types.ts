import { connectionTypes } from '../../graphql/connection.js';
import { ChatMessage, Conversation } from './ai.entities.js';

export const { ConnectionType: ConversationConnection, EdgeType: ConversationEdge } =
  connectionTypes('Conversation', Conversation, 'conversation');

export const { ConnectionType: ChatMessageConnection, EdgeType: ChatMessageEdge } = connectionTypes(
  'ChatMessage',
  ChatMessage,
  'chat message',
);
