import { Migration } from '@mikro-orm/migrations';

export class Migration20261130210026_admin_support extends Migration {

  override name = 'Migration20261130210026_admin_support';

  override up(): void | Promise<void> {
    this.addSql(`create table \`audit_entry\` (\`id\` integer not null primary key autoincrement, \`actor_id\` integer not null, \`action\` text not null, \`target_type\` text not null, \`target_id\` text not null, \`reason\` text null, \`detail\` json null, \`created_at\` datetime not null);`);
    this.addSql(`create index \`audit_entry_action_created_at_index\` on \`audit_entry\` (\`action\`, \`created_at\`);`);
    this.addSql(`create index \`audit_entry_actor_id_created_at_index\` on \`audit_entry\` (\`actor_id\`, \`created_at\`);`);
    this.addSql(`create index \`audit_entry_created_at_index\` on \`audit_entry\` (\`created_at\`);`);

    this.addSql(`create table \`support_conversation\` (\`id\` integer not null primary key autoincrement, \`user_id\` integer not null, \`subject\` text not null, \`status\` text not null default 'OPEN', \`claimed_by_id\` integer null, \`closed_at\` datetime null, \`user_read_up_to\` integer not null default 0, \`staff_read_up_to\` integer not null default 0, \`created_at\` datetime not null, \`last_message_at\` datetime not null, constraint \`support_conversation_user_id_foreign\` foreign key (\`user_id\`) references \`user\` (\`id\`) on delete cascade, constraint \`support_conversation_claimed_by_id_foreign\` foreign key (\`claimed_by_id\`) references \`user\` (\`id\`) on delete set null);`);
    this.addSql(`create index \`support_conversation_claimed_by_id_index\` on \`support_conversation\` (\`claimed_by_id\`);`);
    this.addSql(`create index \`support_conversation_status_last_message_at_index\` on \`support_conversation\` (\`status\`, \`last_message_at\`);`);
    this.addSql(`create index \`support_conversation_user_id_last_message_at_index\` on \`support_conversation\` (\`user_id\`, \`last_message_at\`);`);

    this.addSql(`create table \`support_message\` (\`id\` integer not null primary key autoincrement, \`conversation_id\` integer not null, \`owner_id\` integer not null, \`author_id\` integer null, \`from_staff\` integer not null, \`content\` text not null, \`created_at\` datetime not null, constraint \`support_message_conversation_id_foreign\` foreign key (\`conversation_id\`) references \`support_conversation\` (\`id\`) on delete cascade, constraint \`support_message_owner_id_foreign\` foreign key (\`owner_id\`) references \`user\` (\`id\`) on delete cascade, constraint \`support_message_author_id_foreign\` foreign key (\`author_id\`) references \`user\` (\`id\`) on delete set null);`);
    this.addSql(`create index \`support_message_owner_id_index\` on \`support_message\` (\`owner_id\`);`);
    this.addSql(`create index \`support_message_author_id_index\` on \`support_message\` (\`author_id\`);`);
    this.addSql(`create index \`support_message_conversation_id_created_at_index\` on \`support_message\` (\`conversation_id\`, \`created_at\`);`);
  }

  override down(): void | Promise<void> {

    this.addSql(`drop table if exists \`audit_entry\`;`);
    this.addSql(`drop table if exists \`support_conversation\`;`);
    this.addSql(`drop table if exists \`support_message\`;`);
  }

}
