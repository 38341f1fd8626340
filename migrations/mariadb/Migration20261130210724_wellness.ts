import { Migration } from '@mikro-orm/migrations';

export class Migration20261130210724_wellness extends Migration {

  override name = 'Migration20261130210724_wellness';

  override up(): void | Promise<void> {
    this.addSql(`create table \`emotion_entry\` (\`id\` int unsigned not null auto_increment primary key, \`owner_id\` int unsigned not null, \`emotion\` enum('JOY','SADNESS','ANGER','ANXIETY','NEUTRAL') not null, \`intensity\` int not null, \`note\` varchar(1000) not null default '', \`tags\` json not null, \`day\` datetime(3) not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`emotion_entry\` add index \`emotion_entry_owner_id_day_index\` (\`owner_id\`, \`day\`);`);

    // existing conversations: the last activity is their latest message, the title their first
    this.addSql(`alter table \`conversation\` add \`title\` varchar(100) not null default '', add \`last_activity_at\` datetime(3) null;`);
    this.addSql(`update \`conversation\` c set c.\`last_activity_at\` = coalesce((select max(m.\`created_at\`) from \`chat_message\` m where m.\`conversation_id\` = c.\`id\`), c.\`created_at\`);`);
    this.addSql(`update \`conversation\` c set c.\`title\` = coalesce((select substr(m.\`content\`, 1, 100) from \`chat_message\` m where m.\`conversation_id\` = c.\`id\` order by m.\`id\` limit 1), '');`);
    this.addSql(`alter table \`conversation\` modify \`last_activity_at\` datetime(3) not null;`);
    this.addSql(`alter table \`conversation\` add index \`conversation_family_id_last_activity_at_index\` (\`family_id\`, \`last_activity_at\`);`);

    this.addSql(`alter table \`carebot_settings\` add \`share_journal\` tinyint(1) not null default false;`);

    this.addSql(`alter table \`emotion_entry\` add constraint \`emotion_entry_owner_id_foreign\` foreign key (\`owner_id\`) references \`user\` (\`id\`) on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`emotion_entry\`;`);

    this.addSql(`alter table \`carebot_settings\` drop column \`share_journal\`;`);

    this.addSql(`alter table \`conversation\` drop index \`conversation_family_id_last_activity_at_index\`;`);
    this.addSql(`alter table \`conversation\` drop column \`title\`, drop column \`last_activity_at\`;`);
  }

}
