import { type Opt, OptionalProps } from '@mikro-orm/core';
import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Field, ID, ObjectType } from 'type-graphql';

/**
 * A headline from a configured feed, kept in the database so every API node serves the same list.
 * `linkHash` (SHA-256 of the link) carries the unique index: links are too long for a MariaDB
 * index, and the unique index is what makes every replica's fetch job an idempotent insert.
 */
@Entity({ tableName: 'news_item' })
@Index({ properties: ['publishedAt'] })
@ObjectType({ description: 'A news headline from one of the configured RSS or Atom feeds.' })
export class NewsItem {
  [OptionalProps]?: 'summary' | 'fetchedAt';

  @PrimaryKey({ autoincrement: true })
  @Field(() => ID, { description: 'Stable identifier.' })
  id!: number;

  @Property({ length: 64, unique: true })
  linkHash!: string;

  @Property({ length: 2048 })
  @Field({ description: 'The article (http or https URL); each link appears once.' })
  link!: string;

  @Property({ length: 300 })
  @Field({ description: 'Headline, plain text.' })
  title!: string;

  @Property({ length: 100 })
  @Field({ description: "Who published it: the feed's title, or its host name." })
  source!: string;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, {
    nullable: true,
    description: 'Teaser, plain text of at most 500 characters, when the feed has one.',
  })
  summary: string | null = null;

  @Property({ type: 'datetime', length: 3 })
  @Field(() => Date, {
    description:
      'When it was published (the time the server first saw it when the feed gives none or a future one).',
  })
  publishedAt!: Date;

  @Property({ type: 'datetime', length: 3 })
  fetchedAt: Date & Opt = new Date();
}
