import { describe, expect, it } from 'vitest';
import { decodeFeed, FeedError, parseFeed, plainText, SUMMARY_MAX } from './news.feed.js';

const RSS = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>돌봄 뉴스 &amp; 소식</title>
    <atom:link href="https://news.example/rss" rel="self" type="application/rss+xml"/>
    <item>
      <title>독거 어르신 &lt;돌봄&gt; 확대</title>
      <link> https://news.example/a/1 </link>
      <description><![CDATA[<p>지자체가&nbsp;<b>돌봄 로봇</b>을 보급합니다 &amp; 더</p>]]></description>
      <pubDate>Tue, 24 Nov 2026 09:30:00 +0900</pubDate>
    </item>
    <item>
      <title>KST로 적은 날짜</title>
      <guid>https://news.example/a/2</guid>
      <dc:date>2026-11-24T10:00:00 KST</dc:date>
    </item>
    <item>
      <title>2026</title>
      <link>https://news.example/a/3</link>
      <pubDate>not a date</pubDate>
    </item>
    <item><title>no link</title></item>
    <item><title>script</title><link>javascript:alert(1)</link></item>
    <item><title>   </title><link>https://news.example/a/5</link></item>
    <item><title>not a permalink</title><guid isPermaLink="false">https://news.example/a/6</guid></item>
  </channel>
</rss>`;

const ATOM = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title type="text">Atom Health</title>
  <entry>
    <title type="html">Flu &lt;em&gt;season&lt;/em&gt; starts</title>
    <link rel="self" href="https://atom.example/api/1"/>
    <link rel="alternate" type="text/html" href="https://atom.example/1"/>
    <published>2026-11-23T22:00:00Z</published>
    <updated>2026-11-24T01:00:00Z</updated>
    <summary>Get vaccinated.</summary>
  </entry>
  <entry>
    <title>Only updated</title>
    <link href="https://atom.example/2"/>
    <updated>2026-11-24T02:00:00Z</updated>
    <content type="html">&lt;p&gt;Body&lt;/p&gt;</content>
  </entry>
</feed>`;

const RDF = `<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://rdf.example/"><title>RDF News</title></channel>
  <item rdf:about="https://rdf.example/1">
    <title>One</title><link>https://rdf.example/1</link><dc:date>2026-11-24T03:00:00Z</dc:date>
  </item>
</rdf:RDF>`;

describe('parseFeed', () => {
  it('reads RSS 2.0: plain-text titles and summaries, guid links, dates in any zone', () => {
    const feed = parseFeed(RSS);
    expect(feed.title).toBe('돌봄 뉴스 & 소식');
    expect(feed.items).toEqual([
      {
        title: '독거 어르신 <돌봄> 확대',
        link: 'https://news.example/a/1',
        summary: '지자체가 돌봄 로봇을 보급합니다 & 더',
        publishedAt: new Date('2026-11-24T00:30:00Z'),
      },
      {
        title: 'KST로 적은 날짜',
        link: 'https://news.example/a/2',
        summary: null,
        publishedAt: new Date('2026-11-24T01:00:00Z'),
      },
      { title: '2026', link: 'https://news.example/a/3', summary: null, publishedAt: null },
    ]);
  });

  it('reads Atom: the alternate link, published before updated, HTML titles as text', () => {
    const feed = parseFeed(ATOM);
    expect(feed.title).toBe('Atom Health');
    expect(feed.items).toEqual([
      {
        title: 'Flu season starts',
        link: 'https://atom.example/1',
        summary: 'Get vaccinated.',
        publishedAt: new Date('2026-11-23T22:00:00Z'),
      },
      {
        title: 'Only updated',
        link: 'https://atom.example/2',
        summary: 'Body',
        publishedAt: new Date('2026-11-24T02:00:00Z'),
      },
    ]);
  });

  it('reads RSS 1.0 (RDF)', () => {
    expect(parseFeed(RDF)).toEqual({
      title: 'RDF News',
      items: [
        {
          title: 'One',
          link: 'https://rdf.example/1',
          summary: null,
          publishedAt: new Date('2026-11-24T03:00:00Z'),
        },
      ],
    });
  });

  it('refuses what is not well-formed XML, and XML that is not a feed', () => {
    expect(() => parseFeed('<rss><channel><item></channel></rss>')).toThrow(FeedError);
    expect(() => parseFeed('{"items": []}')).toThrow(/not well-formed XML/);
    expect(() => parseFeed('')).toThrow(FeedError);
    expect(() => parseFeed('<html><body>Moved</body></html>')).toThrow(/neither RSS nor Atom/);
  });
});

describe('plainText', () => {
  it('drops tags (also escaped ones), decodes entities and cuts long text', () => {
    expect(plainText('&lt;b&gt;A&lt;/b&gt; &#48148;&#xB78C; &hellip;', 100)).toBe('A 바람 …');
    const long = plainText('가'.repeat(SUMMARY_MAX + 10), SUMMARY_MAX);
    expect(long).toHaveLength(SUMMARY_MAX);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('decodeFeed', () => {
  // "날씨 뉴스" in EUC-KR
  const eucKr = Buffer.from('b3afbebe20b4babdba', 'hex');

  it('decodes the charset of the content type, or of the XML declaration', () => {
    expect(decodeFeed(eucKr, 'application/rss+xml; charset=EUC-KR')).toBe('날씨 뉴스');
    const declared = Buffer.concat([
      Buffer.from('<?xml version="1.0" encoding="euc-kr"?><t>'),
      eucKr,
      Buffer.from('</t>'),
    ]);
    expect(decodeFeed(declared, 'text/xml')).toContain('<t>날씨 뉴스</t>');
    expect(decodeFeed(Buffer.from('<t>뉴스</t>'), null)).toBe('<t>뉴스</t>');
    expect(() => decodeFeed(eucKr, 'text/xml; charset=x-klingon')).toThrow(/unsupported charset/);
  });
});
