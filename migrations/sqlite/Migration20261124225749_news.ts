import { Migration } from '@mikro-orm/migrations';

export class Migration20261124225749_news extends Migration {

  override name = 'Migration20261124225749_news';

  override up(): void | Promise<void> {
    this.addSql(`create table \`news_item\` (\`id\` integer not null primary key autoincrement, \`link_hash\` text not null, \`link\` text not null, \`title\` text not null, \`source\` text not null, \`summary\` text null, \`published_at\` datetime not null, \`fetched_at\` datetime not null);`);
    this.addSql(`create unique index \`news_item_link_hash_unique\` on \`news_item\` (\`link_hash\`);`);
    this.addSql(`create index \`news_item_published_at_index\` on \`news_item\` (\`published_at\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`news_item\`;`);
  }

}
