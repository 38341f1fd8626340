import { Migration } from '@mikro-orm/migrations';

export class Migration20261201034425_delivery_audience extends Migration {

  override name = 'Migration20261201034425_delivery_audience';

  override up(): void | Promise<void> {
    this.addSql(`create table \`delivery_preference\` (\`id\` integer not null primary key autoincrement, \`family_id\` integer not null, \`user_id\` integer not null, \`live_min_grade\` text check (\`live_min_grade\` in ('NONE', 'INFO', 'WARN', 'CRIT')) not null default 'NONE', \`email_min_grade\` text check (\`email_min_grade\` in ('NONE', 'INFO', 'WARN', 'CRIT')) not null default 'CRIT', \`quiet_hours_start\` text null, \`quiet_hours_end\` text null, \`updated_at\` datetime not null, constraint \`delivery_preference_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade, constraint \`delivery_preference_user_id_foreign\` foreign key (\`user_id\`) references \`user\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`delivery_preference_user_id_index\` on \`delivery_preference\` (\`user_id\`);`);
    this.addSql(`create unique index \`delivery_preference_family_id_user_id_unique\` on \`delivery_preference\` (\`family_id\`, \`user_id\`);`);

    // added in place (not the generator's table rebuild): alert_timeline, alert_timer and
    // notification_read reference notification
    this.addSql(`alter table \`notification\` add column \`audience\` text check (\`audience\` in ('FAMILY', 'MANAGERS')) not null default 'FAMILY';`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`delivery_preference\`;`);

    this.addSql(`alter table \`notification\` drop column \`audience\`;`);
  }

}
