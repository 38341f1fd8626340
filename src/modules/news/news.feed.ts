import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** One entry of a feed, cleaned: plain text, an http(s) link, a date when the feed has one. */
export interface FeedItem {
  title: string;
  link: string;
  summary: string | null;
  publishedAt: Date | null;
}

export interface ParsedFeed {
  /** The feed's own title, when it has one. */
  title: string | null;
  items: FeedItem[];
}

/** A feed could not be fetched or read; the message says why, for the log. */
export class FeedError extends Error {
  override readonly name = 'FeedError';
}

export const TITLE_MAX = 300;
export const SUMMARY_MAX = 500;
/** Feeds are a few hundred KiB at most; anything far larger is not a feed we want. */
export const FEED_MAX_BYTES = 5 * 1024 * 1024;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // dc:date, content:encoded, rdf:RDF are read by their local names
  removeNSPrefix: true,
  // titles like "2026" or "007" stay text
  parseTagValue: false,
  isArray: (name) => ['item', 'entry', 'link'].includes(name),
});

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  middot: '·',
  hellip: '…',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  ndash: '–',
  mdash: '—',
};

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});/gi, (whole, name: string) => {
    if (name.startsWith('#')) {
      const code =
        name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : Number(name.slice(1));
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** HTML tags (ASCII names only: "<돌봄>" in a headline is text, not markup). */
const TAG = /<\/?([a-z][a-z0-9]*)(?:\s[^<>]*)?\/?>/gi;
/** Tags that separate words; the others (b, a, span, …) sit inside them. */
const BLOCK_TAGS = new Set([
  'p',
  'br',
  'div',
  'li',
  'ul',
  'ol',
  'tr',
  'td',
  'th',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'blockquote',
  'img',
  'hr',
]);

function stripTags(html: string): string {
  return html.replace(TAG, (_tag, name: string) => (BLOCK_TAGS.has(name.toLowerCase()) ? ' ' : ''));
}

/**
 * Plain text of what feeds put in titles and descriptions (often HTML, sometimes escaped twice):
 * tags dropped, entities decoded, whitespace collapsed, cut at `max` characters.
 */
export function plainText(html: string, max: number): string {
  // a description escaped twice shows its tags only after decoding
  const text = stripTags(decodeEntities(stripTags(html)))
    .replace(/\s+/g, ' ')
    .trim();
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

/** The text of a parsed node: a string, or an element with attributes and `#text`. */
function textOf(node: unknown): string | undefined {
  if (Array.isArray(node)) return textOf(node[0]);
  if (typeof node === 'string') return node;
  if (typeof node === 'number') return String(node);
  if (node !== null && typeof node === 'object' && '#text' in node) return textOf(node['#text']);
  return undefined;
}

/** Only http(s) links: a `javascript:` link would run in the dashboard. */
function httpUrl(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  if (trimmed === undefined || !/^https?:\/\//i.test(trimmed) || !URL.canParse(trimmed))
    return undefined;
  return trimmed;
}

function dateOf(value: string | undefined): Date | null {
  if (value === undefined) return null;
  const trimmed = value.trim();
  // Korean feeds often write the zone as KST, which Date.parse does not know
  const zoned = trimmed.replace(
    /\s*KST$/i,
    /^\d{4}-\d{2}-\d{2}T/.test(trimmed) ? '+09:00' : ' +0900',
  );
  const time = Date.parse(zoned);
  return Number.isNaN(time) ? null : new Date(time);
}

type Node = Record<string, unknown>;

function asNode(value: unknown): Node | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Node)
    : undefined;
}

function asNodes(value: unknown): Node[] {
  if (!Array.isArray(value)) return [];
  return value.map(asNode).filter((node): node is Node => node !== undefined);
}

/** An RSS 2.0 or RSS 1.0 (RDF) item. */
function rssItem(item: Node): FeedItem | undefined {
  const links = Array.isArray(item['link']) ? (item['link'] as unknown[]) : [];
  const guid = asNode(item['guid']);
  const guidIsLink = guid === undefined || guid['@_isPermaLink'] !== 'false';
  const link =
    links.map((l) => httpUrl(textOf(l) ?? textOf(asNode(l)?.['@_href']))).find(Boolean) ??
    (guidIsLink ? httpUrl(textOf(item['guid'])) : undefined);
  return entry(
    link,
    textOf(item['title']),
    textOf(item['description']) ?? textOf(item['encoded']),
    textOf(item['pubDate']) ?? textOf(item['date']),
  );
}

/** An Atom entry: the link is the `alternate` one (or the first without a `rel`). */
function atomEntry(item: Node): FeedItem | undefined {
  const links = asNodes(item['link']);
  const alternate =
    links.find((l) => l['@_rel'] === 'alternate') ?? links.find((l) => l['@_rel'] === undefined);
  return entry(
    httpUrl(textOf(alternate?.['@_href'])),
    textOf(item['title']),
    textOf(item['summary']) ?? textOf(item['content']),
    textOf(item['published']) ?? textOf(item['updated']),
  );
}

function entry(
  link: string | undefined,
  rawTitle: string | undefined,
  rawSummary: string | undefined,
  rawDate: string | undefined,
): FeedItem | undefined {
  const title = rawTitle === undefined ? '' : plainText(rawTitle, TITLE_MAX);
  if (link === undefined || title === '') return undefined;
  const summary = rawSummary === undefined ? '' : plainText(rawSummary, SUMMARY_MAX);
  return { title, link, summary: summary === '' ? null : summary, publishedAt: dateOf(rawDate) };
}

/**
 * Reads an RSS 2.0, RSS 1.0 (RDF) or Atom document. Items without an http(s) link or a title are
 * skipped; a document that is not well-formed XML or not a feed is a FeedError.
 */
export function parseFeed(xml: string): ParsedFeed {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new FeedError(`not well-formed XML (${valid.err.msg})`);
  const doc = asNode(parser.parse(xml)) ?? {};
  const channel = asNode(asNode(doc['rss'])?.['channel']);
  if (channel !== undefined) {
    return {
      title: titleOf(channel['title']),
      items: asNodes(channel['item']).flatMap((item) => rssItem(item) ?? []),
    };
  }
  const rdf = asNode(doc['RDF']);
  if (rdf !== undefined) {
    return {
      title: titleOf(asNode(rdf['channel'])?.['title']),
      items: asNodes(rdf['item']).flatMap((item) => rssItem(item) ?? []),
    };
  }
  const feed = asNode(doc['feed']);
  if (feed !== undefined) {
    return {
      title: titleOf(feed['title']),
      items: asNodes(feed['entry']).flatMap((item) => atomEntry(item) ?? []),
    };
  }
  throw new FeedError('neither RSS nor Atom');
}

function titleOf(node: unknown): string | null {
  const text = textOf(node);
  const title = text === undefined ? '' : plainText(text, 100);
  return title === '' ? null : title;
}

/** The charset a response declares in its content type, or else in its XML declaration. */
function charsetOf(contentType: string | null, head: Uint8Array): string {
  const fromHeader = /charset\s*=\s*"?([\w.:-]+)/i.exec(contentType ?? '')?.[1];
  if (fromHeader !== undefined) return fromHeader;
  const declaration = new TextDecoder('latin1').decode(head.subarray(0, 200));
  return /<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)["']/i.exec(declaration)?.[1] ?? 'utf-8';
}

/** Decodes a feed body; Korean feeds are still sometimes EUC-KR. */
export function decodeFeed(bytes: Uint8Array, contentType: string | null): string {
  const charset = charsetOf(contentType, bytes);
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    throw new FeedError(`unsupported charset ${charset}`);
  }
}

/** Downloads a feed (at most FEED_MAX_BYTES, within `timeoutMs`) and parses it. */
export async function fetchFeed(url: string, timeoutMs: number): Promise<ParsedFeed> {
  const signal = AbortSignal.timeout(timeoutMs);
  let bytes: Uint8Array;
  let contentType: string | null;
  try {
    const response = await fetch(url, {
      signal,
      headers: {
        accept: 'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8',
        'user-agent': 'CarebotAPI (news feed reader)',
      },
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new FeedError(`HTTP ${response.status}`);
    }
    contentType = response.headers.get('content-type');
    bytes = await readLimited(response);
  } catch (error) {
    if (error instanceof FeedError) throw error;
    if (error instanceof Error && error.name === 'TimeoutError')
      throw new FeedError(`no answer within ${timeoutMs} ms`);
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    throw new FeedError(`unreachable (${cause instanceof Error ? cause.message : String(cause)})`);
  }
  return parseFeed(decodeFeed(bytes, contentType));
}

async function readLimited(response: Response): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > FEED_MAX_BYTES) {
    await response.body?.cancel();
    throw new FeedError(`larger than ${FEED_MAX_BYTES} bytes`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (response.body === null) return new Uint8Array();
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    // leaving the loop cancels the stream
    if (size > FEED_MAX_BYTES) throw new FeedError(`larger than ${FEED_MAX_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
