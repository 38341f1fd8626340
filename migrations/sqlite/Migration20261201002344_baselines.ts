import { Migration } from '@mikro-orm/migrations';

export class Migration20261201002344_baselines extends Migration {

  override name = 'Migration20261201002344_baselines';

  override up(): void | Promise<void> {
    this.addSql(`create table \`baseline_watermark\` (\`source\` text not null primary key, \`last_id\` integer not null, \`updated_at\` datetime not null);`);

    this.addSql(`create table \`baseline_day\` (\`id\` integer not null primary key autoincrement, \`family_id\` integer not null, \`metric\` text check (\`metric\` in ('HEART_RATE', 'BLOOD_OXYGEN', 'BODY_TEMPERATURE', 'ACTIVITY')) not null, \`day\` integer not null, \`count\` integer not null, \`histogram\` json not null, \`checked\` integer not null default false, \`updated_at\` datetime not null, constraint \`baseline_day_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`baseline_day_family_id_index\` on \`baseline_day\` (\`family_id\`);`);
    this.addSql(`create index \`baseline_day_metric_checked_index\` on \`baseline_day\` (\`metric\`, \`checked\`);`);
    this.addSql(`create unique index \`baseline_day_family_id_metric_day_unique\` on \`baseline_day\` (\`family_id\`, \`metric\`, \`day\`);`);

    this.addSql(`alter table \`care_settings\` add column \`baseline_learning_days\` integer not null default 14;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`baseline_watermark\`;`);
    this.addSql(`drop table if exists \`baseline_day\`;`);

    this.addSql(`alter table \`care_settings\` drop column \`baseline_learning_days\`;`);
  }

}
