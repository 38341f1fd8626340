import { Migration } from '@mikro-orm/migrations';

export class Migration20261124211604_messages extends Migration {

  override name = 'Migration20261124211604_messages';

  override up(): void | Promise<void> {
    this.addSql(`create table \`message\` (\`id\` integer not null primary key autoincrement, \`family_id\` integer not null, \`from_user_id\` integer not null, \`to_user_id\` integer not null, \`sent_by_device_id\` integer null, \`content\` text not null, \`image_id\` text null, \`read_at\` datetime null, \`deleted_by_sender\` integer not null default false, \`deleted_by_recipient\` integer not null default false, \`created_at\` datetime not null, constraint \`message_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade, constraint \`message_from_user_id_foreign\` foreign key (\`from_user_id\`) references \`user\` (\`id\`) on delete cascade, constraint \`message_to_user_id_foreign\` foreign key (\`to_user_id\`) references \`user\` (\`id\`) on delete cascade, constraint \`message_sent_by_device_id_foreign\` foreign key (\`sent_by_device_id\`) references \`device\` (\`id\`) on delete set null);`);
    this.addSql(`create index \`message_family_id_index\` on \`message\` (\`family_id\`);`);
    this.addSql(`create index \`message_sent_by_device_id_index\` on \`message\` (\`sent_by_device_id\`);`);
    this.addSql(`create index \`message_to_user_id_read_at_index\` on \`message\` (\`to_user_id\`, \`read_at\`);`);
    this.addSql(`create index \`message_from_user_id_created_at_index\` on \`message\` (\`from_user_id\`, \`created_at\`);`);
    this.addSql(`create index \`message_to_user_id_created_at_index\` on \`message\` (\`to_user_id\`, \`created_at\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`message\`;`);
  }

}
