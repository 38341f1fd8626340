import { Migration } from '@mikro-orm/migrations';

export class Migration20261124225602_ai_reports extends Migration {

  override name = 'Migration20261124225602_ai_reports';

  override up(): void | Promise<void> {
    this.addSql(`create table \`mood_watch\` (\`id\` int unsigned not null auto_increment primary key, \`family_id\` int unsigned not null, \`low_since\` datetime(3) null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`mood_watch\` add unique \`mood_watch_family_id_unique\` (\`family_id\`);`);

    this.addSql(`alter table \`notification\` modify \`kind\` enum('FIRE','FALL','DISASTER','HEALTH','ENVIRONMENT','INACTIVITY','EMERGENCY','SYSTEM','MOOD','REPORT','OTHER') not null;`);

    this.addSql(`alter table \`mental_report\` add \`provider\` varchar(100) null;`);

    this.addSql(`alter table \`carebot_settings\` add \`share_conversations\` tinyint(1) not null default false;`);

    this.addSql(`alter table \`ai_job\` add \`progress\` int not null default 0, add \`result_id\` int null, add \`dedupe_key\` varchar(100) null;`);
    this.addSql(`alter table \`ai_job\` modify \`kind\` enum('CHAT_REPLY','MOOD','MENTAL_REPORT') not null;`);
    this.addSql(`alter table \`ai_job\` add unique \`ai_job_family_id_dedupe_key_unique\` (\`family_id\`, \`dedupe_key\`);`);

    this.addSql(`alter table \`mood_watch\` add constraint \`mood_watch_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`mood_watch\`;`);

    this.addSql(`alter table \`ai_job\` drop index \`ai_job_family_id_dedupe_key_unique\`;`);
    this.addSql(`alter table \`ai_job\` drop column \`progress\`, drop column \`result_id\`, drop column \`dedupe_key\`;`);
    this.addSql(`alter table \`ai_job\` modify \`kind\` enum('CHAT_REPLY','MOOD') not null;`);

    this.addSql(`alter table \`carebot_settings\` drop column \`share_conversations\`;`);

    this.addSql(`alter table \`mental_report\` drop column \`provider\`;`);

    this.addSql(`alter table \`notification\` modify \`kind\` enum('FIRE','FALL','DISASTER','HEALTH','ENVIRONMENT','INACTIVITY','EMERGENCY','SYSTEM','OTHER') not null;`);
  }

}
