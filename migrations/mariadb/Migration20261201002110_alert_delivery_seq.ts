import { Migration } from '@mikro-orm/migrations';

export class Migration20261201002110_alert_delivery_seq extends Migration {

  override name = 'Migration20261201002110_alert_delivery_seq';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`notification\` add \`delivery_seq\` double null;`);
    this.addSql(`alter table \`notification\` add index \`notification_delivery_seq_index\` (\`delivery_seq\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`notification\` drop index \`notification_delivery_seq_index\`;`);
    this.addSql(`alter table \`notification\` drop column \`delivery_seq\`;`);
  }

}
