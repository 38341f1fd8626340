import { Migration } from '@mikro-orm/migrations';

export class Migration20261201002002_alert_delivery_seq extends Migration {

  override name = 'Migration20261201002002_alert_delivery_seq';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`notification\` add column \`delivery_seq\` double null;`);
    this.addSql(`create index \`notification_delivery_seq_index\` on \`notification\` (\`delivery_seq\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index \`notification_delivery_seq_index\`;`);
    this.addSql(`alter table \`notification\` drop column \`delivery_seq\`;`);
  }

}
