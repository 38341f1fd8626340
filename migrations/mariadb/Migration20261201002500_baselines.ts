import { Migration } from '@mikro-orm/migrations';

export class Migration20261201002500_baselines extends Migration {

  override name = 'Migration20261201002500_baselines';

  override up(): void | Promise<void> {
    this.addSql(`create table \`baseline_watermark\` (\`source\` varchar(32) not null, \`last_id\` int not null, \`updated_at\` datetime(3) not null, primary key (\`source\`)) default character set utf8mb4 engine = InnoDB;`);

    this.addSql(`create table \`baseline_day\` (\`id\` int unsigned not null auto_increment primary key, \`family_id\` int unsigned not null, \`metric\` enum('HEART_RATE','BLOOD_OXYGEN','BODY_TEMPERATURE','ACTIVITY') not null, \`day\` int not null, \`count\` int not null, \`histogram\` json not null, \`checked\` tinyint(1) not null default false, \`updated_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`baseline_day\` add index \`baseline_day_family_id_index\` (\`family_id\`);`);
    this.addSql(`alter table \`baseline_day\` add index \`baseline_day_metric_checked_index\` (\`metric\`, \`checked\`);`);
    this.addSql(`alter table \`baseline_day\` add unique \`baseline_day_family_id_metric_day_unique\` (\`family_id\`, \`metric\`, \`day\`);`);

    this.addSql(`alter table \`care_settings\` add \`baseline_learning_days\` int not null default 14;`);

    this.addSql(`alter table \`baseline_day\` add constraint \`baseline_day_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`baseline_watermark\`;`);
    this.addSql(`drop table if exists \`baseline_day\`;`);

    this.addSql(`alter table \`care_settings\` drop column \`baseline_learning_days\`;`);
  }

}
