#!/usr/bin/env python3
"""Writes a synthetic WordPress export (WXR 1.2) with N posts to stdout, shaped
like WordPress 6 output: Gutenberg blocks, classic posts with shortcodes,
drafts, comments. For timing `kurator import wordpress` (docs/import.md).

    python3 bench/wxr-gen.py 5000 > /tmp/big.xml
"""
import sys

N = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
CATS = ["fuehrung-kultur", "markenbotschafter", "digitalisierung", "lesetipps", "nachhaltigkeit"]
W = sys.stdout.write

W('<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
  'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/" '
  'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
  '<title>Bench Blog</title><link>https://bench.example</link><description>Synthetisch</description>'
  '<language>de-DE</language><wp:wxr_version>1.2</wp:wxr_version>\n')
for a in range(20):
    W(f'<wp:author><wp:author_id>{a}</wp:author_id><wp:author_login><![CDATA[user{a}]]></wp:author_login>'
      f'<wp:author_email><![CDATA[user{a}@bench.example]]></wp:author_email>'
      f'<wp:author_display_name><![CDATA[Autorin Nummer {a} Müller]]></wp:author_display_name></wp:author>\n')
for c in CATS:
    W(f'<wp:category><wp:category_nicename><![CDATA[{c}]]></wp:category_nicename><wp:cat_name><![CDATA[{c.title()}]]></wp:cat_name></wp:category>\n')

GUTENBERG = """<!-- wp:paragraph -->
<p>Beitrag {i}: Wer führt, muss <strong>zuhören</strong> und <em>Fehler</em> zulassen &amp; <a href="https://bench.example/?p={j}">verlinken</a>.</p>
<!-- /wp:paragraph -->
<!-- wp:heading --><h2 class="wp-block-heading">Abschnitt {i}</h2><!-- /wp:heading -->
<!-- wp:list --><ul><li>Eins<ul><li>Unterpunkt</li></ul></li><li>Zwei</li></ul><!-- /wp:list -->
<!-- wp:image --><figure class="wp-block-image"><img src="https://bench.example/wp-content/uploads/2020/01/bild{i}.jpg" alt="Bild {i}"/><figcaption>Unterschrift {i}</figcaption></figure><!-- /wp:image -->
<!-- wp:quote --><blockquote class="wp-block-quote"><p>Ein Zitat mit Umlauten: äöüß.</p><cite>Jemand</cite></blockquote><!-- /wp:quote -->
<!-- wp:code --><pre class="wp-block-code"><code class="language-rust">fn main() {{ println!("{i}"); }}</code></pre><!-- /wp:code -->
<!-- wp:table --><figure class="wp-block-table"><table><tbody><tr><td>A</td><td>B</td></tr><tr><td>{i}</td><td>{j}</td></tr></tbody></table></figure><!-- /wp:table -->
""" + "<!-- wp:paragraph --><p>" + "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 12 + "</p><!-- /wp:paragraph -->\n"
CLASSIC = """Klassischer Beitrag {i}.
Zweite Zeile.

[caption id="attachment_{i}" width="300"]<img src="https://bench.example/wp-content/uploads/2019/05/foto{i}-300x200.jpg" alt="Foto" /> Bildunterschrift[/caption]

[embed]https://www.youtube.com/watch?v={i}[/embed]

""" + "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 12 + "\n"

for i in range(1, N + 1):
    classic = i % 3 == 0
    body = (CLASSIC if classic else GUTENBERG).format(i=i, j=max(1, i - 1))
    year = 2010 + i % 14
    status = "draft" if i % 50 == 0 else "publish"
    gmt = "0000-00-00 00:00:00" if status == "draft" else f"{year}-{1 + i % 12:02d}-{1 + i % 28:02d} 08:00:00"
    cat = CATS[i % len(CATS)]
    W(f"""<item><title><![CDATA[Beitrag {i}: Führung & <Kultur> im Wandel]]></title>
<link>https://bench.example/{year}/{1 + i % 12:02d}/beitrag-{i}/</link><dc:creator><![CDATA[user{i % 20}]]></dc:creator>
<guid isPermaLink="false">https://bench.example/?p={i}</guid>
<content:encoded><![CDATA[{body}]]></content:encoded><excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>{i}</wp:post_id><wp:post_date><![CDATA[{year}-{1 + i % 12:02d}-{1 + i % 28:02d} 10:00:00]]></wp:post_date>
<wp:post_date_gmt><![CDATA[{gmt}]]></wp:post_date_gmt><wp:post_name><![CDATA[beitrag-{i}]]></wp:post_name>
<wp:status><![CDATA[{status}]]></wp:status><wp:post_type><![CDATA[post]]></wp:post_type>
<category domain="category" nicename="{cat}"><![CDATA[{cat.title()}]]></category>
<category domain="post_tag" nicename="tag-{i % 40}"><![CDATA[Tag {i % 40}]]></category>
""")
    for c in range(2):
        W(f"""<wp:comment><wp:comment_id>{i * 10 + c}</wp:comment_id><wp:comment_author><![CDATA[Leser {c}]]></wp:comment_author>
<wp:comment_author_email><![CDATA[leser{c}@example.com]]></wp:comment_author_email><wp:comment_author_IP><![CDATA[192.0.2.{c}]]></wp:comment_author_IP>
<wp:comment_date><![CDATA[{year}-05-05 10:00:00]]></wp:comment_date><wp:comment_date_gmt><![CDATA[{year}-05-05 08:00:00]]></wp:comment_date_gmt>
<wp:comment_content><![CDATA[Danke für Beitrag {i}!]]></wp:comment_content><wp:comment_approved><![CDATA[{1 if c == 0 else 0}]]></wp:comment_approved>
<wp:comment_type><![CDATA[comment]]></wp:comment_type></wp:comment>
""")
    W("</item>\n")
W("</channel>\n</rss>\n")
