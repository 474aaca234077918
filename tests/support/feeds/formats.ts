/** Feeds as real publishers ship them: one per format, with the usual variations. */

export const rss2 = (site: string) => `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
  <channel>
    <title>Harbour Gazette</title>
    <link>${site}/</link>
    <description>News from the harbour</description>
    <ttl>60</ttl>
    <item>
      <title>Ferry timetable &amp; fares: &lt;em&gt;winter&lt;/em&gt; edition</title>
      <link>${site}/news/ferry?utm_source=rss</link>
      <guid isPermaLink="false">gazette-article-1001</guid>
      <dc:creator>Maya Lindqvist</dc:creator>
      <pubDate>Tue, 24 Nov 2026 08:30:00 GMT</pubDate>
      <description>Short version.</description>
      <content:encoded><![CDATA[<p>The council voted on <strong>Tuesday</strong>. <a href="/news/council">Council page</a></p><p>Second &eacute;dition paragraph.</p>]]></content:encoded>
    </item>
    <item>
      <title>Undated item with a relative link</title>
      <link>/culture/night-market</link>
      <description>&lt;p&gt;Forty stalls &amp;amp; a band.&lt;/p&gt;</description>
    </item>
  </channel>
</rss>`;

export const rss1 = (site: string) => `<?xml version="1.0" encoding="UTF-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
  <channel rdf:about="${site}/">
    <title>Valley Ledger</title>
    <link>${site}/</link>
    <description>Business in the valley</description>
    <items><rdf:Seq><rdf:li rdf:resource="${site}/business/energy"/></rdf:Seq></items>
  </channel>
  <item rdf:about="${site}/business/energy">
    <title>Small firms brace for winter bills</title>
    <link>${site}/business/energy</link>
    <dc:creator>Ada Okafor</dc:creator>
    <dc:date>2026-11-25T06:00:00Z</dc:date>
    <description>Owners say their bills have doubled.</description>
  </item>
</rdf:RDF>`;

export const atom = (site: string) => `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="${site}/blog/">
  <title>North Coast Review</title>
  <id>tag:north-coast,2026:feed</id>
  <updated>2026-11-26T12:00:00Z</updated>
  <entry>
    <title type="html">&lt;b&gt;Chess club&lt;/b&gt; turns fifty</title>
    <id>tag:north-coast,2026:entry-7</id>
    <link rel="alternate" href="posts/chess-club"/>
    <author><name>Tomasz Wren</name></author>
    <published>2026-11-26T12:00:00Z</published>
    <updated>2026-11-26T13:00:00Z</updated>
    <content type="html">&lt;p&gt;Founding members &lt;a href="../about"&gt;still play&lt;/a&gt;.&lt;/p&gt;</content>
  </entry>
</feed>`;

/** Everything a hostile feed might try on our pages. */
export const hostile = (site: string) => `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
  <channel>
    <title>Hostile Times</title>
    <link>${site}/</link>
    <item>
      <title>&lt;img src=x onerror=alert(1)&gt;Innocent headline&lt;script&gt;alert(2)&lt;/script&gt;</title>
      <link>${site}/hostile/1</link>
      <guid>hostile-1</guid>
      <author>x@hostile.example (Eve &lt;script&gt;alert(3)&lt;/script&gt;)</author>
      <pubDate>Wed, 25 Nov 2026 10:00:00 GMT</pubDate>
      <content:encoded><![CDATA[
        <p onclick="alert(4)" style="color:red">Hello <script>alert(5)</script>world</p>
        <a href="javascript:alert(6)">click</a>
        <a href="JaVaScRiPt&#58;alert(7)">click too</a>
        <a href="https://safe.example/ok" onmouseover="alert(8)" target="_blank">a safe link</a>
        <img src="https://tracker.example/pixel.gif" onerror="alert(9)">
        <iframe src="https://evil.example/"></iframe>
        <svg><script>alert(10)</script></svg>
        <style>body{display:none}</style>
        <form action="https://evil.example/"><input name="q"></form>
        <object data="x.swf"></object>
      ]]></content:encoded>
    </item>
    <item>
      <title>A link that runs code</title>
      <link>javascript:alert(11)</link>
      <description>Should never be published.</description>
    </item>
  </channel>
</rss>`;

export const malformed = `<?xml version="1.0"?><rss version="2.0"><channel><title>Broken</title><item><title>Half an item</ti`;
