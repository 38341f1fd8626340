import { Migration } from '@mikro-orm/migrations';

export class Migration20261130210645_wellness extends Migration {

  override name = 'Migration20261130210645_wellness';

  override up(): void | Promise<void> {
    this.addSql(`create table \`emotion_entry\` (\`id\` integer not null primary key autoincrement, \`owner_id\` integer not null, \`emotion\` text check (\`emotion\` in ('JOY', 'SADNESS', 'ANGER', 'ANXIETY', 'NEUTRAL')) not null, \`intensity\` integer not null, \`note\` text not null default '', \`tags\` json not null, \`day\` datetime not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`emotion_entry_owner_id_foreign\` foreign key (\`owner_id\`) references \`user\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`emotion_entry_owner_id_day_index\` on \`emotion_entry\` (\`owner_id\`, \`day\`);`);

    // SQLite adds a NOT NULL column only with a default, which the entity has not: the table is
    // rebuilt, each conversation's title taken from its first message and its last activity from
    // its latest one. With foreign keys on (pragmas are no-ops inside the migration's transaction)
    // dropping it would cascade to the messages, so those are kept aside and put back.
    this.addSql(`create table \`chat_message__keep\` as select * from \`chat_message\`;`);
    this.addSql(`pragma foreign_keys = off;`);
    this.addSql(`create table \`conversation__temp_alter\` (\`id\` integer not null primary key autoincrement, \`family_id\` integer not null, \`created_at\` datetime not null, \`title\` text not null default '', \`last_activity_at\` datetime not null, constraint \`conversation_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade);`);
    this.addSql(`insert into \`conversation__temp_alter\` select c.\`id\`, c.\`family_id\`, c.\`created_at\`, coalesce((select substr(m.\`content\`, 1, 100) from \`chat_message\` m where m.\`conversation_id\` = c.\`id\` order by m.\`id\` limit 1), ''), coalesce((select max(m.\`created_at\`) from \`chat_message\` m where m.\`conversation_id\` = c.\`id\`), c.\`created_at\`) from \`conversation\` c;`);
    this.addSql(`drop table \`conversation\`;`);
    this.addSql(`alter table \`conversation__temp_alter\` rename to \`conversation\`;`);
    this.addSql(`create index \`conversation_family_id_created_at_index\` on \`conversation\` (\`family_id\`, \`created_at\`);`);
    this.addSql(`create index \`conversation_family_id_last_activity_at_index\` on \`conversation\` (\`family_id\`, \`last_activity_at\`);`);
    this.addSql(`insert into \`chat_message\` select * from \`chat_message__keep\`;`);
    this.addSql(`drop table \`chat_message__keep\`;`);
    this.addSql(`pragma foreign_keys = on;`);

    this.addSql(`alter table \`carebot_settings\` add column \`share_journal\` integer not null default false;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`emotion_entry\`;`);

    this.addSql(`alter table \`carebot_settings\` drop column \`share_journal\`;`);

    this.addSql(`drop index \`conversation_family_id_last_activity_at_index\`;`);
    this.addSql(`alter table \`conversation\` drop column \`title\`;`);
    this.addSql(`alter table \`conversation\` drop column \`last_activity_at\`;`);
  }

}
