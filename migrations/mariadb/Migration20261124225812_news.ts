import { Migration } from '@mikro-orm/migrations';

export class Migration20261124225812_news extends Migration {

  override name = 'Migration20261124225812_news';

  override up(): void | Promise<void> {
    this.addSql(`create table \`news_item\` (\`id\` int unsigned not null auto_increment primary key, \`link_hash\` varchar(64) not null, \`link\` varchar(2048) not null, \`title\` varchar(300) not null, \`source\` varchar(100) not null, \`summary\` text null, \`published_at\` datetime(3) not null, \`fetched_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`news_item\` add unique \`news_item_link_hash_unique\` (\`link_hash\`);`);
    this.addSql(`alter table \`news_item\` add index \`news_item_published_at_index\` (\`published_at\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`news_item\`;`);
  }

}
