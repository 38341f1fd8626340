import type { GraphQLField, GraphQLSchema } from 'graphql';
import { FAMILY_POLICY, type FamilyAudience } from './access.js';
import { operationTypes } from './operation-access.js';
import { BOARD_POLICY, type BoardAction } from './board-access.js';
import {
  boardFieldRule,
  fieldRule,
  guardedTypes,
  type ReadRule,
  typePolicy,
} from './type-access.js';

const BOARD_AUDIENCE = {
  ADMIN: 'admin',
  READ_WRITE: 'user with READ_WRITE (every user on a PUBLIC board)',
  READ: 'user with READ',
} as const;

function boardWho(action: BoardAction): string {
  const who = BOARD_POLICY[action].map((standing) => BOARD_AUDIENCE[standing]).join(', ');
  return action === 'WRITE' ? `${who} (non-admins only while the board is open)` : who;
}

const AUDIENCE: Record<FamilyAudience, string> = {
  MAIN: 'main user',
  MANAGER: 'manager',
  CAREGIVER: 'caregiver',
  DEVICE: "family's confirmed Carebot",
  NEW_DEVICE: "family's unconfirmed Carebot",
  PENDING: 'pending applicant',
};

function who(rule: ReadRule): string {
  if (rule === 'CONVERSATION')
    return "main user, family's confirmed Carebot; manager, caregiver while `shareConversations` is on";
  return FAMILY_POLICY[rule].map((audience) => AUDIENCE[audience]).join(', ');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function operationRule(field: GraphQLField<unknown, unknown>): string {
  const ext = field.extensions as {
    accessPublic?: string;
    accessUser?: string[];
    accessDevice?: true;
    accessUserOrDevice?: string;
    accessFamily?: { action: ReadRule; locator: string };
    accessBoard?: { action: BoardAction; locator: string };
  };
  const parts: string[] = [];
  if (ext.accessPublic !== undefined) parts.push(`anyone (${ext.accessPublic})`);
  if (ext.accessUser !== undefined) {
    const roles = ext.accessUser;
    parts.push(
      roles.length === 0 ? 'signed-in user' : `signed-in user with role ${roles.join(' or ')}`,
    );
  }
  if (ext.accessDevice !== undefined) parts.push('Carebot device');
  if (ext.accessUserOrDevice !== undefined)
    parts.push(`signed-in user or device: ${ext.accessUserOrDevice}`);
  if (ext.accessFamily !== undefined) {
    const { action, locator } = ext.accessFamily;
    const [entity, arg] = locator.split(' ');
    const target = entity === 'family' ? `family \`${arg}\`` : `family of ${entity} \`${arg}\``;
    parts.push(`${action} on ${target}: ${who(action)}`);
  }
  if (ext.accessBoard !== undefined) {
    const { action, locator } = ext.accessBoard;
    const [entity, arg] = locator.split(' ');
    const target = entity === 'board' ? `board \`${arg}\`` : `board of ${entity} \`${arg}\``;
    parts.push(`${action} on ${target}: ${boardWho(action)}`);
  }
  return parts.join('; ');
}

/**
 * The permission table committed as `docs/permissions.md`: every operation and every field of
 * family data with who may use it, generated from the decorators and type policies the server
 * enforces. A diff of it is a permission change and is reviewed as one.
 */
export function permissionTable(schema: GraphQLSchema): string {
  const out: string[] = [
    '# Permissions',
    '',
    'Generated from the code by `npm run schema`; a test fails when it is stale. A change here is a',
    'change of who may do what: review it as one.',
    '',
    'Outside the families a viewer stands in, family operations answer `NOT_FOUND`; inside but',
    'without the role, `FORBIDDEN`. Admins and strangers stand in no family. A field of family',
    'data that the viewer may not read answers `FORBIDDEN` (`NOT_FOUND` outside the family) and',
    'null. A field added later takes its type’s default rule until a rule opens it.',
    '',
    '## Operations',
    '',
    '| operation | who may call it |',
    '| --- | --- |',
  ];
  for (const type of operationTypes(schema)) {
    const fields = Object.values(type.getFields()).sort((a, b) => a.name.localeCompare(b.name));
    for (const field of fields)
      out.push(`| \`${type.name}.${field.name}\` | ${cell(operationRule(field))} |`);
  }
  out.push('', '## Family data', '', '| field | who may read it |', '| --- | --- |');
  const open: string[] = [];
  const board: string[] = [];
  const staff: string[] = [];
  for (const type of guardedTypes(schema)) {
    const declared = typePolicy(type.name);
    if (declared === undefined) continue;
    if (declared.kind === 'open') {
      open.push(`| \`${type.name}\` | ${cell(declared.reason)} |`);
      continue;
    }
    if (declared.kind === 'board') {
      for (const name of Object.keys(type.getFields()).sort()) {
        const rule = boardFieldRule(declared.policy, name);
        const subjects =
          declared.policy.subjectNote === undefined ? '' : `; ${declared.policy.subjectNote}`;
        board.push(`| \`${type.name}.${name}\` | ${rule}: ${cell(boardWho(rule) + subjects)} |`);
      }
      continue;
    }
    if (declared.kind === 'staff') {
      staff.push(`| \`${type.name}\` | staff (ADMIN); ${cell(declared.policy.note)} |`);
      continue;
    }
    const { policy } = declared;
    const subjects =
      policy.subjects === undefined ? '' : `; ${policy.subjectNote ?? 'its subjects'}`;
    const fields = Object.keys(type.getFields()).sort();
    for (const name of fields) {
      const rule = fieldRule(policy, name);
      out.push(`| \`${type.name}.${name}\` | ${rule}: ${cell(who(rule))}${cell(subjects)} |`);
    }
  }
  out.push(
    '',
    '## Community board data',
    '',
    'Off the boards a viewer stands on (hidden boards, RESTRICTED boards without a grant) a',
    'board and everything on it answers `NOT_FOUND`; on them without the right, `FORBIDDEN`.',
    '',
    '| field | who may read it |',
    '| --- | --- |',
    ...board,
  );
  out.push(
    '',
    '## Staff data (support chat, audit log)',
    '',
    '| type | who may read it (anyone else: `NOT_FOUND`) |',
    '| --- | --- |',
    ...staff,
    '',
    '## Types without family data',
    '',
    '| type | why it is open |',
    '| --- | --- |',
    ...open,
    '',
  );
  return out.join('\n');
}
