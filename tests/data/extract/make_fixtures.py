#!/usr/bin/env python3
"""Writes the extraction fixtures: pages shaped like real news sites of several
kinds, each with the clutter those sites carry, and the text a listener should
hear (one block per line) beside it.

The pages are committed; run this only to change them on purpose:

    python3 tests/data/extract/make_fixtures.py

Every story here is invented. Clutter that must never be read aloud comes from
CLUTTER below and tests/data/extract/boilerplate.txt lists its phrases.
"""

import html
import json
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))


def esc(s):
    return html.escape(s, quote=False)


def write(name, page, expected, encoding="utf-8"):
    with open(os.path.join(HERE, f"{name}.html"), "wb") as f:
        f.write(page.encode(encoding))
    with open(os.path.join(HERE, f"{name}.expected.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(expected) + "\n")


# ---------------------------------------------------------------------------
# Clutter, in the shapes real sites give it

COOKIE_ONETRUST = """
<div id="onetrust-consent-sdk"><div id="onetrust-banner-sdk" class="otFlat" role="region" aria-label="Cookie banner">
<div class="ot-sdk-container"><p id="onetrust-policy-text">We use cookies and similar technologies to improve your experience,
measure audiences and show personalised advertising. By clicking "Accept all cookies" you agree to this.</p>
<button id="onetrust-accept-btn-handler">Accept all cookies</button><button id="onetrust-pc-btn-handler">Manage preferences</button>
</div></div></div>"""

COOKIE_PLAIN = """
<div class="cc-window cc-banner"><span class="cc-message">This website uses cookies to ensure you get the best experience on our website.
<a class="cc-link" href="/privacy">Learn more about our cookie policy</a></span>
<div class="cc-compliance"><a class="cc-btn cc-dismiss">Got it!</a></div></div>"""

SHARE_BAR = """
<div class="share-tools"><span>Share this article</span>
<a href="#" class="share-facebook">Share on Facebook</a> <a href="#" class="share-twitter">Share on X</a>
<a href="#" class="share-email">Email</a> <button class="copy-link">Copy link</button></div>"""

AI_AUDIO = """
<div class="article-audio"><div class="audio-label">Listen to this article</div>
<p class="audio-disclaimer">This audio is created with AI assistance</p></div>"""

NEWSLETTER = """
<div class="newsletter-signup"><h3>The Morning Brief</h3><p>Sign up for our free daily newsletter and get the
day's most important stories in your inbox every morning.</p><form><input type="email" placeholder="Your email address">
<button>Sign up</button></form><p class="small">By signing up you agree to our Terms of Use and Privacy Policy.</p></div>"""

AD_SLOT = """<div class="ad-container"><div class="ad-label">Advertisement</div><div id="div-gpt-ad-{n}" class="gpt-slot"></div></div>"""


def editors_picks(heading="Editors' Picks"):
    items = [
        ("Inside the quiet race to rebuild the country's power grid before winter", "/news/power-grid"),
        ("How a small bakery became the town's unofficial town hall", "/features/bakery"),
        ("The long road home: families return to the frontline villages", "/features/road-home"),
    ]
    lis = "".join(
        f'<div class="card"><a href="{u}"><img src="/i{i}.jpg" alt=""><h4 class="card-title">{esc(t)}</h4></a>'
        f'<span class="card-time">{i + 2} hours ago</span></div>'
        for i, (t, u) in enumerate(items)
    )
    return f'<section class="editors-picks"><h2 class="section-title">{esc(heading)}</h2>{lis}</section>'


def most_read(heading="Most read"):
    items = [
        "Opinion: why the budget deal satisfies nobody",
        "Storm warning issued for the whole coast on Friday",
        "Five things to know before the markets open",
        "Transfer window: the deals that could still happen",
        "Ten of the best walks within an hour of the city",
    ]
    lis = "".join(f'<li><span class="rank">{i + 1}</span><a href="/mr/{i}">{esc(t)}</a></li>' for i, t in enumerate(items))
    return f'<div class="most-read-widget"><h3>{esc(heading)}</h3><ol>{lis}</ol></div>'


def related(heading="Related articles"):
    items = [
        "Council approves new cycle lanes after two years of debate",
        "Opinion: the city deserves better public transport",
        "Photos: the river festival returns after a four-year break",
    ]
    lis = "".join(
        f'<article class="teaser"><a href="/r/{i}"><h3>{esc(t)}</h3></a><p class="teaser-summary">'
        f"A short summary of another story that appears under every article on the site.</p></article>"
        for i, t in enumerate(items)
    )
    return f'<section class="related-content"><h2>{esc(heading)}</h2>{lis}</section>'


COMMENTS = """
<section id="comments" class="comments-area"><h2 class="comments-title">12 comments</h2>
<ol class="comment-list"><li class="comment"><div class="comment-author">Daniel R.</div>
<p>Great reporting, thank you. I have been following this for years and this is the clearest account so far.</p></li>
<li class="comment"><div class="comment-author">Margo</div><p>I disagree with the council on this one, the money would be better spent elsewhere.</p></li></ol>
<div id="respond"><h3>Leave a comment</h3><form><textarea></textarea><button>Post comment</button></form></div></section>"""

FOOTER = """
<footer class="site-footer"><nav><a href="/about">About us</a> <a href="/contact">Contact</a> <a href="/privacy">Privacy policy</a>
<a href="/terms">Terms of use</a></nav><p>&copy; 2025 The Publisher Ltd. All rights reserved.</p></footer>"""


def header(site, sections=("News", "Politics", "Business", "Culture", "Sport", "Opinion")):
    links = "".join(f'<li><a href="/{s.lower()}">{s}</a></li>' for s in sections)
    return (
        f'<header class="site-header"><a class="logo" href="/">{esc(site)}</a>'
        f'<nav class="main-nav"><ul>{links}</ul></nav><a class="btn-subscribe" href="/subscribe">Subscribe</a></header>'
    )


def paragraphs(blocks):
    """Article blocks as HTML: ('p', text), ('h2', text), ('quote', text), ('li', [items])."""
    out = []
    for kind, text in blocks:
        if kind == "p":
            out.append(f"<p>{esc(text)}</p>")
        elif kind == "h2":
            out.append(f"<h2>{esc(text)}</h2>")
        elif kind == "quote":
            out.append(f"<blockquote><p>{esc(text)}</p></blockquote>")
        elif kind == "li":
            out.append("<ul>" + "".join(f"<li>{esc(t)}</li>" for t in text) + "</ul>")
    return out


def expected_lines(blocks):
    lines = []
    for kind, text in blocks:
        if kind == "li":
            lines.extend(text)
        else:
            lines.append(text)
    return lines


def head(title, site, author, date, lang="en", charset="utf-8", extra=""):
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": title,
        "author": [{"@type": "Person", "name": author}],
        "datePublished": date,
        "publisher": {"@type": "Organization", "name": site},
    }
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="{charset}">
<title>{esc(title)} | {esc(site)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta property="og:title" content="{html.escape(title)}">
<meta property="og:site_name" content="{html.escape(site)}">
<meta name="author" content="{html.escape(author)}">
<meta property="article:published_time" content="{date}">
<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>
<script>window.dataLayer = window.dataLayer || []; function gtag(){{dataLayer.push(arguments);}} gtag('js', new Date());</script>
<style>.ad-container{{min-height:250px}} .sr-only{{position:absolute}}</style>
{extra}</head>"""


# ---------------------------------------------------------------------------
# 1. WordPress local news site, with a code block, a table and captions


def wordpress():
    title = "River Authority Opens Flood Barrier Two Years Ahead of Schedule"
    author = "Maria Lopez"
    blocks = [
        ("p", "The new flood barrier on the lower Ash river was lowered into place for the first time on Tuesday morning, two years earlier than engineers had promised when construction began."),
        ("p", "The barrier, a set of four steel gates each weighing more than 300 tonnes, is designed to protect about 11,000 homes in the low-lying districts of Millbrook and Eastfield from the kind of storm surge that flooded both neighbourhoods in the winter of 2019."),
        ("p", "\"We were lucky with the weather and lucky with our suppliers,\" said Helen Okafor, the chief engineer of the river authority, standing on the control deck as the first gate settled onto its sill. \"But mostly we had a crew that refused to lose a single day.\""),
        ("h2", "What the barrier does"),
        ("p", "In normal conditions the gates sit below the riverbed and boats pass over them. When a surge is forecast, hydraulic rams raise the gates in about forty minutes, sealing the river from the estuary for as long as the high water lasts."),
        ("p", "The authority expects to close the barrier between six and ten times a year, mostly in autumn and winter, and to test it once a month."),
        ("li", ["Length across the river: 164 metres", "Height of each gate when raised: 9.5 metres", "Total cost: 212 million pounds, 18 million under budget"]),
        ("h2", "Residents cautiously relieved"),
        ("p", "In Eastfield, where water reached the first floor of some houses six years ago, residents gathered on the embankment to watch. Many said they would believe the barrier worked only when they had seen it hold back a real storm."),
        ("p", "\"My insurance went up four times after the flood,\" said Peter Marsh, 67, who runs a hardware shop on Quay Street. \"If this brings it down again, I'll buy the engineers a drink myself.\""),
        ("quote", "A barrier is only as good as the people who maintain it, and we intend to be here for the next hundred years."),
        ("p", "The authority said it would publish the results of the first full-scale closure test next month, and that the public viewing platform on the north bank would open in the spring."),
    ]
    body = paragraphs(blocks)
    # A byline repeated in the body, a caption with a credit, ads, a code
    # block (the gate controller's configuration) and a table of test dates.
    body.insert(0, f'<p class="has-small-font-size"><strong>By {author}</strong> | Staff Writer</p>')
    body.insert(
        3,
        '<figure class="wp-block-image size-large"><img src="/wp-content/uploads/2025/03/barrier.jpg" alt="">'
        "<figcaption class=\"wp-element-caption\">The first of four gates is lowered into the Ash on Tuesday. (Contributor/Getty Images)</figcaption></figure>",
    )
    body.insert(6, AD_SLOT.format(n=1))
    body.insert(
        9,
        '<pre class="wp-block-code"><code>gate_controller:\n  raise_time_minutes: 40\n  surge_threshold_m: 4.2\n  test_interval_days: 30\n</code></pre>',
    )
    body.insert(
        12,
        '<figure class="wp-block-table"><table><thead><tr><th>Test</th><th>Date</th></tr></thead>'
        "<tbody><tr><td>Partial closure</td><td>April 2</td></tr><tr><td>Full closure</td><td>May 14</td></tr></tbody></table></figure>",
    )
    body.insert(14, '<p><strong>Read more:</strong> <a href="/2024/11/flood-insurance">Flood insurance costs in Eastfield doubled since 2019</a></p>')
    body.insert(16, AD_SLOT.format(n=2))
    page = head(title, "Ash Valley Gazette", author, "2025-03-11T09:15:00+00:00", extra='<link rel="stylesheet" href="/wp-content/themes/gazette/style.css">') + f"""
<body class="post-template-default single single-post postid-48213 single-format-standard">
<a class="skip-link screen-reader-text" href="#content">Skip to content</a>
{header("Ash Valley Gazette")}
<div id="page" class="site"><div id="content" class="site-content"><div id="primary" class="content-area"><main id="main" class="site-main">
<article id="post-48213" class="post-48213 post type-post status-publish format-standard has-post-thumbnail hentry category-local-news">
<header class="entry-header"><span class="cat-links"><a href="/category/local-news/">Local News</a></span>
<h1 class="entry-title">{esc(title)}</h1><div class="entry-meta"><span class="byline"> by <span class="author vcard"><a class="url fn n" href="/author/mlopez/">{author}</a></span></span>
<span class="posted-on"><time class="entry-date published" datetime="2025-03-11T09:15:00+00:00">March 11, 2025</time></span></div></header>
{AI_AUDIO}
<div class="entry-content">
{chr(10).join(body)}
<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block sd-social"><h3 class="sd-title">Share this:</h3>
<ul><li><a class="share-twitter" href="#">Twitter</a></li><li><a class="share-facebook" href="#">Facebook</a></li></ul></div></div>
<div id="jp-relatedposts" class="jp-relatedposts"><h3 class="jp-relatedposts-headline"><em>Related</em></h3>
<div class="jp-relatedposts-items"><div class="jp-relatedposts-post"><h4><a href="/2024/01/barrier-delays">Barrier faces fresh delays, council told</a></h4>
<p class="jp-relatedposts-post-context">In "Local News"</p></div></div></div>
</div>
<footer class="entry-footer"><span class="tags-links">Tagged <a href="/tag/flooding/">flooding</a>, <a href="/tag/river-ash/">River Ash</a></span></footer>
</article>
<nav class="navigation post-navigation"><h2 class="screen-reader-text">Post navigation</h2><div class="nav-links">
<div class="nav-previous"><a href="/prev">Previous: School bus routes change from Monday</a></div>
<div class="nav-next"><a href="/next">Next: Library extends opening hours</a></div></div></nav>
{COMMENTS}
</main></div>
<aside id="secondary" class="widget-area">{most_read()}{NEWSLETTER}<section class="widget widget_text"><div class="textwidget"><p>Advertise with the Gazette and reach 40,000 readers every week.</p></div></section></aside>
</div></div>
{FOOTER}
{COOKIE_PLAIN}
<script src="/wp-includes/js/wp-embed.min.js"></script>
</body></html>"""
    write("wordpress", page, expected_lines(blocks))


# ---------------------------------------------------------------------------
# 2. Substack post


def substack():
    title = "The Quiet Economics of Night Trains"
    author = "Tomas Berg"
    blocks = [
        ("p", "Ten years ago almost every European railway was getting rid of its sleeper trains. They were expensive to run, the carriages were old, and budget airlines had taught a generation of travellers that a city break started with a 6 a.m. flight."),
        ("p", "This winter there are more night trains running across the continent than at any time since the early 1990s. I spent three weeks riding them, and talking to the people who schedule, finance and staff them, to understand what changed."),
        ("h2", "The carriage problem"),
        ("p", "The first answer everyone gave me was rolling stock. A sleeper carriage is a strange object: it is used for one journey a day, it needs cabins, bedding, washrooms and an attendant, and it earns nothing while it waits in a siding from breakfast until dinner."),
        ("p", "Operators that made night trains work again found ways to use the same carriages in the daytime, or to lease them instead of buying them outright. One Austrian planner described the breakthrough to me as \"treating a bed like a seat that happens to be horizontal.\""),
        ("h2", "Who actually buys the tickets"),
        ("p", "The passengers are not who I expected. On the train from Vienna to Hamburg most of my fellow travellers were not climate activists or rail enthusiasts but parents with small children, who told me that a cabin was simply easier than an airport."),
        ("p", "Business travellers are the other surprise. A consultant from Brussels told me she takes the sleeper to Berlin twice a month because it gives her a full working day on arrival and a hotel night she does not have to pay for."),
        ("p", "None of this means the night train has won. Fares are still high, cancellations are common, and track access charges in some countries make a single overnight run cost more than a short-haul flight. But the trend line has turned, and that alone would have seemed unlikely a decade ago."),
    ]
    body = paragraphs(blocks)
    body.insert(2, """<div class="subscription-widget-wrap"><div class="subscription-widget show-subscribe"><div class="preamble"><p>Slow Travel Notes is a reader-supported publication. To receive new posts and support my work, consider becoming a free or paid subscriber.</p></div>
<form class="subscription-widget-subscribe"><input type="email" placeholder="Type your email..."><button class="button primary">Subscribe</button></form></div></div>""")
    body.insert(6, """<div class="captioned-image-container"><figure><a class="image-link image2" href="https://substackcdn.com/image/fetch/abc.jpeg"><picture><img src="abc.jpeg" alt=""></picture></a>
<figcaption class="image-caption">The sleeper from Vienna pulls into Hamburg at dawn. Photo by the author.</figcaption></figure></div>""")
    body.insert(9, """<p class="button-wrapper" data-attrs='{"url":"/subscribe"}'><a class="button primary" href="/subscribe"><span>Subscribe now</span></a></p>""")
    body.append("""<p class="button-wrapper"><a class="button primary" href="/p/night-trains?utm_source=substack&amp;utm_medium=email&amp;action=share"><span>Share</span></a></p>""")
    page = head(title, "Slow Travel Notes", author, "2025-01-22T07:00:00.000Z") + f"""
<body><div id="entry"><div id="main" class="main typography use-theme-bg">
<div class="topbar-content"><a class="navbar-title-link" href="/">Slow Travel Notes</a><div class="navbar-buttons"><button class="button primary subscribe-btn">Subscribe</button><button class="button sign-in-link">Sign in</button></div></div>
<div class="container"><div class="single-post-container"><div class="single-post"><article class="typography newsletter-post post">
<div class="post-header"><h1 class="post-title published">{esc(title)}</h1><h3 class="subtitle">What a decade of cancellations and comebacks tells us about how Europe travels</h3>
<div class="post-meta"><div class="profile-hover-card-target"><a href="/profile/tberg">{author}</a></div><div class="post-date">Jan 22, 2025</div></div>
<div class="post-ufi"><div class="like-button-container"><span class="label">142</span></div><a class="post-ufi-comment-button" href="/comments"><span class="label">37</span></a><div class="post-ufi-button share">Share</div></div></div>
<div class="available-content"><div dir="auto" class="body markup">
{chr(10).join(body)}
</div></div>
<div class="post-footer"><div class="post-ufi"><div class="like-button-container"><span class="label">142 Likes</span></div><div class="post-ufi-button">Share</div></div>
<div class="subscribe-footer"><p>Thanks for reading Slow Travel Notes! Subscribe for free to receive new posts and support my work.</p><button>Subscribe</button></div></div>
</article>
<div class="comments-section"><h4 class="comments-heading">Discussion about this post</h4><div class="comment-list"><div class="comment"><div class="comment-body"><p>I took the Paris to Berlin sleeper last month and it was wonderful, if a little shaky.</p></div></div></div></div>
<div class="post-recommendations"><h4>Ready for more?</h4><div class="post-preview"><a href="/p/ferries">Ferries are the new night trains</a></div></div>
</div></div></div>
<div class="footer-wrap"><div class="footer"><div class="footer-terms">&copy; 2025 Tomas Berg</div><div class="footer-links"><a href="/privacy">Privacy</a> &middot; <a href="/tos">Terms</a> &middot; <a href="/collection">Collection notice</a></div>
<div class="footer-substack-cta"><a href="/start">Start Writing</a><a href="/app">Get the app</a></div></div></div>
</div></div></body></html>"""
    write("substack", page, expected_lines(blocks))


# ---------------------------------------------------------------------------
# 3. Ghost blog, with a members-only upgrade box after the free part


def ghost():
    title = "How One Library Lends Out Tools, Tents and Telescopes"
    author = "Aisha Rahman"
    blocks = [
        ("p", "When the public library in the small town of Harwell began lending power drills six years ago, the head librarian expected a handful of loans a month. Last year the collection of what staff call \"things\" was borrowed more than 9,000 times."),
        ("p", "The catalogue now runs to sewing machines, camping tents, ukuleles, a pressure washer, two telescopes and a cake tin in the shape of a dinosaur, which is booked out for most of the spring."),
        ("h2", "Started by a broken ladder"),
        ("p", "The idea came from a reader, not a librarian. Graham Price, a retired electrician, complained at a town meeting that he had bought a ladder for a single job and that it now took up half his garage. He offered to donate it if the library would lend it out."),
        ("p", "Staff found that a tool is a lot like a book: it needs a barcode, a shelf, a loan period and someone to check it when it comes back. The difference is that a drill can hurt someone, so every item is checked for safety before it goes out again."),
        ("p", "Other libraries in the region have visited to copy the scheme. The head librarian, Ruth Adeyemi, tells them to start small, to ask residents what they need, and never to underestimate the demand for a carpet cleaner."),
    ]
    body = paragraphs(blocks)
    body.insert(2, """<figure class="kg-card kg-image-card kg-card-hascaption"><img src="/content/images/2025/02/shelves.jpg" class="kg-image" alt="" loading="lazy"><figcaption>Tools on the shelves at Harwell library. <span style="white-space: pre-wrap;">(Photo: Aisha Rahman)</span></figcaption></figure>""")
    body.insert(5, """<div class="kg-card kg-callout-card kg-callout-card-blue"><div class="kg-callout-emoji">💌</div><div class="kg-callout-text">Enjoying this story? Get our free weekly letter on small ideas that work, every Sunday.</div></div>""")
    page = head(title, "Small Fixes", author, "2025-02-09T10:30:00.000+00:00") + f"""
<body class="post-template tag-community"><div class="viewport"><div class="site-content">
<header id="gh-head" class="gh-head outer"><div class="gh-head-inner inner"><div class="gh-head-brand"><a class="gh-head-logo" href="/">Small Fixes</a></div>
<nav class="gh-head-menu"><ul class="nav"><li class="nav-home"><a href="/">Home</a></li><li class="nav-about"><a href="/about/">About</a></li><li class="nav-archive"><a href="/archive/">Archive</a></li></ul></nav>
<div class="gh-head-actions"><a class="gh-head-link" href="#/portal/signin" data-portal="signin">Sign in</a><a class="gh-head-button" href="#/portal/signup" data-portal="signup">Subscribe</a></div></div></header>
<main id="site-main" class="site-main"><article class="article post tag-community">
<header class="article-header gh-canvas"><section class="article-tag"><a href="/tag/community/">Community</a></section><h1 class="article-title">{esc(title)}</h1>
<p class="article-excerpt">A small-town library has built a collection of thousands of useful things.</p>
<div class="article-byline"><div class="article-byline-content"><h4 class="author-name"><a href="/author/aisha/">{author}</a></h4><div class="byline-meta-content"><time class="byline-meta-date" datetime="2025-02-09">Feb 9, 2025</time><span class="byline-reading-time">4 min read</span></div></div></div></header>
<section class="gh-content gh-canvas">
{chr(10).join(body)}
<aside class="gh-post-upgrade-cta"><div class="gh-post-upgrade-cta-content" style="background-color: #ff1a75"><h2>This post is for paying subscribers only</h2>
<a class="gh-btn" data-portal="signup" href="#/portal/signup" style="color:#ff1a75">Subscribe now</a><p><small>Already have an account? <a data-portal="signin" href="#/portal/signin">Sign in</a></small></p></div></aside>
</section>
<section class="article-comments gh-canvas"><div id="ghost-comments-root"></div></section>
</article></main>
<aside class="read-more-wrap outer"><div class="read-more inner"><article class="post-card post"><a class="post-card-content-link" href="/repair-cafe/"><header class="post-card-header"><h2 class="post-card-title">The repair café that fixed 2,000 toasters</h2></header>
<section class="post-card-excerpt"><p>Volunteers meet every second Saturday to mend whatever people bring in.</p></section></a></article></div></aside>
<footer class="site-footer outer"><div class="inner"><section class="copyright"><a href="/">Small Fixes</a> &copy; 2025</section><nav class="site-footer-nav"><a href="/privacy/">Privacy</a></nav><div><a href="https://ghost.org/" target="_blank" rel="noopener">Powered by Ghost</a></div></div></footer>
</div></div>
<div class="gh-portal-triggerbtn-iframe" data-testid="portal-trigger-frame"></div>
</body></html>"""
    write("ghost", page, expected_lines(blocks))


# ---------------------------------------------------------------------------
# 4. AMP page


def amp():
    title = "Heatwave Pushes Power Demand to Record High"
    author = "Daniel Kim"
    blocks = [
        ("p", "Electricity demand hit an all-time high on Wednesday afternoon as temperatures above 40 degrees Celsius sent millions of people reaching for their air conditioners, the national grid operator said."),
        ("p", "Demand peaked at 61.4 gigawatts shortly after 4 p.m., beating the previous record set during a heatwave two summers ago by almost three gigawatts."),
        ("p", "The operator said it had enough reserve capacity to avoid blackouts but asked households to delay running washing machines and dishwashers until after 9 p.m., when solar output falls but demand from offices drops sharply."),
        ("h2", "Solar carries the afternoon"),
        ("p", "Rooftop and utility-scale solar panels supplied more than a third of the country's electricity at the peak, a share that would have been unthinkable five years ago, according to figures published by the operator."),
        ("p", "Battery storage, most of it built in the past two years, discharged at full power for the first time during the early evening, when the sun set but temperatures stayed above 35 degrees."),
        ("p", "Forecasters expect the heat to ease on Sunday, when a band of thunderstorms is due to cross the country from the west."),
    ]
    body = paragraphs(blocks)
    body.insert(1, '<amp-ad width="300" height="250" type="doubleclick" data-slot="/1234/news/article" layout="responsive"><div fallback>Advertisement</div></amp-ad>')
    body.insert(4, """<figure class="article-image"><amp-img src="/img/heat.jpg" width="1200" height="675" layout="responsive" alt="People cool off in a fountain"></amp-img>
<figcaption>People cool off in a city-centre fountain on Wednesday. (AP Photo/Sam Ortiz)</figcaption></figure>""")
    body.insert(7, '<amp-embed width="100" height="100" type="taboola" layout="responsive" data-publisher="amp-demo" data-mode="thumbnails-a"></amp-embed>')
    body.insert(9, '<div class="inline-related"><span class="label">Related:</span> <a href="/amp/grid-battery">The giant batteries keeping the lights on</a></div>')
    page = f"""<!doctype html>
<html ⚡ lang="en"><head><meta charset="utf-8">
<title>{esc(title)} - The Daily Current</title>
<link rel="canonical" href="https://www.example-current.com/news/heatwave-power-demand">
<meta name="viewport" content="width=device-width">
<script async src="https://cdn.ampproject.org/v0.js"></script>
<script async custom-element="amp-ad" src="https://cdn.ampproject.org/v0/amp-ad-0.1.js"></script>
<script async custom-element="amp-social-share" src="https://cdn.ampproject.org/v0/amp-social-share-0.1.js"></script>
<style amp-boilerplate>body{{-webkit-animation:-amp-start 8s steps(1,end) 0s 1 normal both}}</style>
<style amp-custom>.header{{background:#003}} .article-body p{{font-size:18px}}</style>
<script type="application/ld+json">{json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": title, "author": {"@type": "Person", "name": author}, "datePublished": "2025-07-16T18:40:00Z"})}</script>
</head><body>
<amp-analytics type="gtag" data-credentials="include"><script type="application/json">{{"vars": {{"gtag_id": "G-XXXX"}}}}</script></amp-analytics>
<amp-consent id="consent" layout="nodisplay"><div class="consent-ui" id="consent-ui"><p>We and our partners use cookies to personalise content and ads. Accept all cookies to continue.</p>
<button on="tap:consent.accept">Accept</button><button on="tap:consent.reject">Reject</button></div></amp-consent>
<amp-sidebar id="sidebar" layout="nodisplay" side="left"><ul><li><a href="/amp/news">News</a></li><li><a href="/amp/weather">Weather</a></li><li><a href="/amp/sport">Sport</a></li></ul></amp-sidebar>
<div class="header"><button on="tap:sidebar.toggle" class="hamburger">Menu</button><a href="/" class="brand">The Daily Current</a></div>
<div class="article">
<h1 class="headline">{esc(title)}</h1>
<div class="article-meta"><span class="author-name">By {author}</span> <span class="date">July 16, 2025</span></div>
<div class="social-bar"><amp-social-share type="facebook" width="40" height="40"></amp-social-share><amp-social-share type="twitter" width="40" height="40"></amp-social-share><amp-social-share type="email" width="40" height="40"></amp-social-share></div>
<div class="article-body">
{chr(10).join(body)}
</div>
<div class="article-tags"><a href="/tag/heatwave">Heatwave</a><a href="/tag/energy">Energy</a></div>
<amp-ad width="300" height="600" type="doubleclick" data-slot="/1234/news/article-bottom"></amp-ad>
{most_read("Most Popular")}
</div>
<footer class="footer"><p>&copy; 2025 The Daily Current. <a href="/terms">Terms</a> <a href="/privacy">Privacy</a></p><a href="https://www.example-current.com/news/heatwave-power-demand">View full site</a></footer>
</body></html>"""
    write("amp", page, expected_lines(blocks))


# ---------------------------------------------------------------------------
# 5. Paywall teaser: the first paragraphs are public, then the gate


def paywall():
    title = "The Hidden Cost of Free Returns"
    author = "Sofia Marchetti"
    blocks = [
        ("p", "Every January the warehouses of Europe's big online retailers fill up with parcels nobody wanted. Sweaters in the wrong size, shoes that pinched, a blender that looked bigger in the photographs."),
        ("p", "Retailers have long treated free returns as the price of doing business online. But a growing number of them are quietly changing their policies, charging a few euros per parcel or shortening the return window from a hundred days to thirty."),
        ("p", "The reason, according to executives at three large fashion retailers who spoke on condition of anonymity, is that as many as one in three returned items can never be sold again at full price."),
    ]
    body = paragraphs(blocks)
    page = head(title, "The Continental Review", author, "2025-02-03T05:00:00+01:00", extra='<meta name="robots" content="max-snippet:-1">') + f"""
<body class="article-page">
{header("The Continental Review", ("World", "Economy", "Technology", "Culture", "Opinion"))}
{COOKIE_ONETRUST}
<main class="page-main"><div class="article-wrapper">
<div class="article-header"><div class="kicker">Retail</div><h1 class="article-title">{esc(title)}</h1>
<p class="standfirst">Online shopping's most generous promise is starting to look unaffordable.</p>
<div class="article-meta"><span class="byline">By <a href="/authors/smarchetti">{author}</a></span><time datetime="2025-02-03T05:00:00+01:00">3 February 2025</time><span class="reading-time">9 min read</span></div></div>
{AI_AUDIO}
<div class="article-body" data-paywall="true">
{chr(10).join(body)}
<p class="article-body__truncated" style="opacity: 0.3">Logistics companies estimate that processing a single return costs between</p>
</div>
<div class="paywall-gate" id="piano-offer"><div class="offer-box"><h2>Subscribe to continue reading</h2>
<p>Get unlimited access to The Continental Review's journalism for just 1 euro for the first month.</p>
<ul class="offer-benefits"><li>Unlimited articles on any device</li><li>The daily briefing newsletter</li><li>Cancel anytime</li></ul>
<a class="btn" href="/subscribe?offer=intro">Start your trial</a><p>Already a subscriber? <a href="/login">Log in</a></p></div></div>
{editors_picks()}
</div></main>
{FOOTER}
</body></html>"""
    write("paywall", page, expected_lines(blocks))


# ---------------------------------------------------------------------------
# 6. A script-rendered page whose only text is JSON-LD articleBody


def jsonld_only():
    title = "Astronomers Spot a Comet That Will Be Visible Without a Telescope"
    author = "Hiroshi Tanaka"
    paras = [
        "A comet discovered only six weeks ago is brightening faster than expected and should be visible to the naked eye in the northern hemisphere by the middle of next month, astronomers said on Thursday.",
        "The comet, catalogued as C/2025 K3, was first spotted by an automated survey telescope in Chile as a faint smudge beyond the orbit of Mars. Since then its brightness has doubled roughly every nine days.",
        "\"Comets are notoriously unpredictable, so nobody should book a holiday around this yet,\" said Dr. Ines Navarro, who leads the team tracking the object. \"But the trend is very encouraging.\"",
        "If it survives its closest approach to the sun, the comet should be easiest to see low in the western sky just after sunset, away from city lights. Binoculars will show its tail even if the naked-eye view disappoints.",
        "The last comet to put on a comparable show for casual observers in the northern hemisphere appeared in the summer of 2020.",
    ]
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": title,
        "author": {"@type": "Person", "name": author},
        "datePublished": "2025-05-22T14:05:00Z",
        "articleBody": "\n\n".join(paras),
    }
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{esc(title)} | Skyward News</title>
<meta name="description" content="A comet discovered six weeks ago is brightening fast.">
<script type="application/ld+json">{json.dumps({"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": [{"@type": "ListItem", "position": 1, "name": "Science"}]})}</script>
<script type="application/ld+json">{json.dumps(ld)}</script>
<link rel="preload" href="/static/js/main.4f1c2a.js" as="script"></head>
<body><noscript>You need to enable JavaScript to run this app.</noscript>
<div id="root"><div class="app-shell"><div class="topbar"><a href="/">Skyward News</a><a href="/subscribe">Subscribe</a></div>
<div class="skeleton skeleton-title"></div><div class="skeleton skeleton-line"></div><div class="loading-spinner">Loading…</div></div></div>
{COOKIE_PLAIN}
<script>window.__INITIAL_STATE__ = {{"route": "/science/comet", "user": null, "ads": {{"enabled": true}}}};</script>
<script src="/static/js/main.4f1c2a.js"></script></body></html>"""
    write("jsonld-only", page, paras)


# ---------------------------------------------------------------------------
# 7 and 8. Pages in legacy single-byte encodings


def windows_1251():
    title = "У Львові відкрили найбільшу в країні бібліотеку для незрячих"
    author = "Олена Коваль"
    blocks = [
        ("p", "У Львові в суботу відкрили бібліотеку для людей з порушеннями зору, яка стала найбільшою в Україні. У її фондах понад двадцять тисяч книжок, надрукованих шрифтом Брайля, та вісім тисяч аудіокниг."),
        ("p", "Приміщення бібліотеки відремонтували за кошти міського бюджету та міжнародних донорів. Роботи тривали півтора року і коштували близько тридцяти мільйонів гривень."),
        ("p", "«Ми хотіли, щоб це було не просто книгосховище, а місце, куди хочеться приходити», — сказала директорка бібліотеки Марія Гнатюк."),
        ("h2", "Тактильні карти і звукові кімнати"),
        ("p", "Окрім книжок, у бібліотеці є тактильні карти міста, кімнати для запису аудіокниг та зала, де волонтери щотижня читатимуть уголос новинки української літератури."),
        ("p", "Бібліотека працюватиме щодня, крім понеділка, з десятої ранку до сьомої вечора. Вхід безкоштовний."),
    ]
    body = paragraphs(blocks)
    body.insert(2, '<div class="banner-inline"><a href="/promo">Реклама</a></div>')
    body.insert(4, '<p class="read-also"><b>Читайте також:</b> <a href="/news/123">У Києві запрацювала нова лінія тролейбуса</a></p>')
    page = head(title, "Львівські новини", author, "2025-04-12T11:20:00+03:00", lang="uk", charset="windows-1251") + f"""
<body>
<div class="top-line"><a href="/">Львівські новини</a> <a href="/news">Новини</a> <a href="/culture">Культура</a> <a href="/sport">Спорт</a></div>
<div class="wrapper"><div class="col-main">
<div class="news-full"><h1>{esc(title)}</h1><div class="news-date">12 квітня 2025, 11:20</div>
<div class="news-text">
{chr(10).join(body)}
</div>
<div class="share-block">Поділитися: <a href="#">Facebook</a> <a href="#">Telegram</a></div>
</div></div>
<div class="col-right"><div class="block-title">Популярне</div><ul class="popular-list"><li><a href="/n/1">Синоптики попередили про заморозки</a></li><li><a href="/n/2">Ціни на пальне знову зросли</a></li><li><a href="/n/3">На Личаківській ремонтують трамвайну колію</a></li></ul></div>
</div>
<div class="footer">© 2025 Львівські новини. Усі права захищено.</div>
</body></html>"""
    write("windows-1251", page, expected_lines(blocks), encoding="cp1251")


def iso_8859_1():
    title = "La boulangerie du village rouvre après deux ans de fermeture"
    author = "Jeanne Dubois"
    blocks = [
        ("p", "Après deux ans sans pain frais, les habitants de Saint-Aubin-sur-Loire ont retrouvé leur boulangerie lundi matin. Dès six heures, une file d'attente s'étirait devant la vitrine jusqu'à l'église."),
        ("p", "Le fonds de commerce avait fermé au départ à la retraite de l'ancien boulanger, faute de repreneur. La mairie a racheté les murs et financé la rénovation du four, avant de lancer un appel à candidatures."),
        ("p", "« On a reçu quatorze dossiers, c'était inespéré », explique le maire, Gérard Lefèvre. Le choix s'est porté sur un jeune couple venu de Tours, Camille et Théo Moreau, âgés de vingt-neuf et trente et un ans."),
        ("h2", "Un loyer modéré pour commencer"),
        ("p", "Pour les aider à démarrer, la commune leur loue le local à un prix réduit pendant les trois premières années. En échange, le couple s'est engagé à ouvrir six jours sur sept et à livrer le pain aux personnes âgées des hameaux voisins."),
        ("p", "Dans le village, on se réjouit surtout de retrouver un lieu de rencontre. « Le matin, on se croise, on discute. C'est ça qui nous manquait le plus », confie Odile, quatre-vingt-deux ans."),
    ]
    body = paragraphs(blocks)
    body.insert(3, '<div class="pub"><span>Publicité</span></div>')
    body.insert(5, '<p class="lire-aussi"><strong>A lire aussi :</strong> <a href="/actu/ecole">L\'école du village sauvée de la fermeture</a></p>')
    page = head(title, "Le Courrier du Val", author, "2025-09-01T08:00:00+02:00", lang="fr", charset="iso-8859-1") + f"""
<body>
<div id="bandeau-cookies">Ce site utilise des cookies pour mesurer son audience. <a href="#">J'accepte</a> <a href="#">En savoir plus</a></div>
<div id="entete"><a href="/">Le Courrier du Val</a><ul id="menu"><li><a href="/actu">Actualité</a></li><li><a href="/sports">Sports</a></li><li><a href="/loisirs">Loisirs</a></li></ul></div>
<div id="contenu"><div class="article">
<h1>{esc(title)}</h1><p class="chapo-infos">Par {author} - Publié le 1er septembre 2025 à 8h00</p>
<div class="texte">
{chr(10).join(body)}
</div>
<div class="partage">Partager : <a href="#">Facebook</a> <a href="#">X</a> <a href="#">E-mail</a></div>
</div>
<div id="colonne"><h3>Les plus lus</h3><ul><li><a href="/a/1">Fermeture du pont pour travaux</a></li><li><a href="/a/2">La fête de la moisson revient</a></li><li><a href="/a/3">Un nouveau médecin s'installe</a></li></ul></div></div>
<div id="pied">Le Courrier du Val - Mentions légales - Contact</div>
</body></html>"""
    write("iso-8859-1", page, expected_lines(blocks), encoding="latin-1")


# ---------------------------------------------------------------------------
# 9. A long feature: 10,000+ words from varied generated sentences


def long_article():
    rng = random.Random(20250313)
    subjects = ["The ministry", "Local officials", "Farmers in the valley", "The regional council", "Independent economists",
                "A group of engineers", "Residents of the old quarter", "The port authority", "Teachers at the district school",
                "Two of the largest employers", "The water company", "Volunteers from the parish", "A committee of historians",
                "Shop owners on the main street", "The railway operator", "Nurses at the county hospital"]
    verbs = ["argued that", "warned that", "concluded that", "reported that", "insisted that", "pointed out that",
             "acknowledged that", "suggested that", "estimated that", "complained that", "agreed that", "noted that"]
    clauses = ["the harvest had been the poorest in a decade", "costs had risen faster than wages for three years running",
               "the new bridge would shorten the journey to the coast by forty minutes", "the old reservoir could no longer meet demand in August",
               "most young people still left the region after finishing school", "tourism had recovered more slowly than expected",
               "the timetable changes had confused many passengers", "the library was busier than at any time since it opened",
               "the river had flooded twice in a single winter", "more families were moving into the town than leaving it",
               "the factory expansion would create about three hundred jobs", "broadband coverage remained patchy in the hills",
               "the market square needed new paving before the festival", "demand for social housing had doubled",
               "the ferry service was losing money on every winter crossing", "the hospital would need another wing within ten years"]
    tails = ["according to figures published last month", "although the details are still disputed", "in a report released on Monday",
             "despite repeated promises from the capital", "a view shared by many in the room", "which surprised almost nobody",
             "as the minutes of the meeting show", "though the evidence is mixed", "after a long and heated debate",
             "while admitting that nobody had a simple answer"]
    openers = ["In the spring,", "By the end of the decade,", "For most of the past century,", "Even so,", "At the same time,",
               "Over the following months,", "In private,", "On paper,", "In practice,", "Years later,", "Not long afterwards,"]
    quotes_who = ["a retired schoolteacher", "the owner of a hardware shop", "a young mother of two", "a bus driver",
                  "the parish priest", "a fisherman who has worked the estuary for forty years", "a first-year student"]
    quote_lines = ["Nobody asked us what we wanted, they just told us what we were getting",
                   "We have heard these promises before, and we will believe it when we see it",
                   "It is the first time in years that I have felt hopeful about this place",
                   "The town is changing whether we like it or not, so we might as well have a say",
                   "My grandparents would not recognise the street I grew up on"]
    headings = ["A valley in transition", "The money question", "What the numbers say", "Water and weather", "Roads, rails and ferries",
                "Schools and the young", "The hospital debate", "Old buildings, new uses", "Work on the waterfront", "Voices from the market",
                "The view from the capital", "Looking ahead"]

    def sentence():
        s = f"{rng.choice(subjects)} {rng.choice(verbs)} {rng.choice(clauses)}, {rng.choice(tails)}."
        if rng.random() < 0.3:
            s = f"{rng.choice(openers)} {s[0].lower()}{s[1:]}"
        return s

    blocks = []
    words = 0
    section = 0
    while words < 10_400:
        if len(blocks) % 9 == 0:
            blocks.append(("h2", headings[section % len(headings)] + ("" if section < len(headings) else f", part {section // len(headings) + 1}")))
            section += 1
        if rng.random() < 0.12:
            text = f"\"{rng.choice(quote_lines)},\" said {rng.choice(quotes_who)}, who asked not to be named."
        else:
            text = " ".join(sentence() for _ in range(rng.randint(3, 6)))
        blocks.append(("p", text))
        words += len(text.split())
    title = "The Valley That Refused to Empty: A Year in Three Towns"
    author = "Catherine Walsh"
    body = paragraphs(blocks)
    out = []
    for i, b in enumerate(body):
        out.append(b)
        if i % 14 == 7:
            out.append(AD_SLOT.format(n=i))
        if i % 23 == 11:
            out.append('<aside class="pullquote"><p>"It is the first time in years that I have felt hopeful about this place"</p></aside>')
        if i % 31 == 19:
            out.append(f'<div class="inline-teaser"><span class="inline-teaser__label">Related</span><a href="/features/{i}"><span>Photos: a year in the valley, month by month</span></a></div>')
        if i == 40:
            out.append(NEWSLETTER)
    page = head(title, "The Weekend Review", author, "2025-06-28T06:00:00+01:00") + f"""
<body class="longform">
{header("The Weekend Review", ("Features", "Long reads", "Photography", "Podcasts"))}
{COOKIE_ONETRUST}
<main id="content"><article class="longform-article">
<div class="hero"><h1>{esc(title)}</h1><p class="deck">How three small towns fought the long decline of the countryside, and what they learned.</p>
<p class="byline">By <a rel="author" href="/by/cwalsh">{author}</a> · Photographs by Marco Rossi</p><time datetime="2025-06-28T06:00:00+01:00">June 28, 2025</time>
<figure class="hero-image"><img src="/hero.jpg" alt=""><figcaption>Morning fog over the valley. (Marco Rossi/For The Weekend Review)</figcaption></figure></div>
{SHARE_BAR}
<div class="article-body">
{chr(10).join(out)}
</div>
<div class="article-end"><p class="author-bio">Catherine Walsh is a senior writer for The Weekend Review. She spent twelve months reporting this story.</p></div>
{SHARE_BAR}
</article>
{related("More long reads")}
{editors_picks()}
</main>
{FOOTER}
</body></html>"""
    # The deck sits in the story's container and is read, the date is not.
    deck = "How three small towns fought the long decline of the countryside, and what they learned."
    write("long-article", page, [deck] + expected_lines(blocks))


# ---------------------------------------------------------------------------
# 10. BBC-like: text blocks as data-component divs, hashed class names


def bbc_like():
    title = "Ancient shipwreck found off coast still holds cargo of wine jars"
    author = "Rachel Osei"
    blocks = [
        ("p", "Divers have found the wreck of a merchant ship that sank more than 2,000 years ago off the southern coast, with much of its cargo of clay wine jars still stacked in the hold."),
        ("p", "The vessel lies at a depth of about 40 metres and was located last autumn by a team using an underwater drone during a survey for a new offshore cable."),
        ("p", "Archaeologists say the wreck is unusually well preserved because it settled on a bed of fine sand that covered the lower part of the hull soon after it sank."),
        ("h2", "'Like opening a time capsule'"),
        ("p", "\"It is like opening a time capsule,\" said Dr Lucia Ferraro, the marine archaeologist leading the excavation. \"The jars are still in the order the crew loaded them.\""),
        ("p", "Her team has so far counted more than 200 amphorae, the tall two-handled jars used to ship wine and olive oil across the ancient Mediterranean. A few still have their stoppers in place."),
        ("p", "Samples of residue from inside the jars will be analysed to find out what they carried and where the wine came from."),
        ("h2", "Protected site"),
        ("p", "The wreck has been declared a protected site and diving near it without a permit is now banned. The coastguard will patrol the area during the summer months."),
        ("p", "The team hopes to raise a small number of jars next year for display at the regional museum, while leaving the hull where it lies."),
    ]

    def text_block(b):
        kind, text = b
        if kind == "h2":
            return f'<div data-component="subheadline-block" class="ssrcss-1kj1ozp-StyledHeading e10rt3ze0"><h2 id="{sum(map(ord, text)) % 9999}" class="ssrcss-y7krd-StyledHeading e10rt3ze0">{esc(text)}</h2></div>'
        return f'<div data-component="text-block" class="ssrcss-7uxr49-RichTextContainer e5tfeyi1"><p class="ssrcss-1q0x1qg-Paragraph e1jhz7w10">{esc(text)}</p></div>'

    body = [text_block(b) for b in blocks]
    body.insert(1, """<figure data-component="image-block" class="ssrcss-wpgbih-StyledFigure e34k3c23"><div class="ssrcss-ab5fd8-StyledFigureContainer"><img src="/wreck.jpg" alt="A diver beside stacked clay jars on the seabed"></div>
<figcaption class="ssrcss-1wcd7d6-Caption"><span class="ssrcss-1pvwv4b-VisuallyHidden e16en2lz0">Image caption, </span>Divers found the jars still stacked in rows on the seabed</figcaption><span class="ssrcss-xsm24v-Copyright" role="text"><span class="ssrcss-1pvwv4b-VisuallyHidden e16en2lz0">Image source, </span>Marine Heritage Trust</span></figure>""")
    body.insert(5, """<div data-component="links-block" class="ssrcss-1gmfdz0-LinksBlock"><ul class="ssrcss-13xswd1-StyledList"><li><a href="/news/science-1">Warship wreck identified after 300 years</a></li><li><a href="/news/science-2">Divers map sunken Roman harbour</a></li></ul></div>""")
    page = head(title, "BBC News", author, "2025-04-03T05:12:44.000Z", extra='<meta name="twitter:site" content="@BBCWorld">') + f"""
<body>
<div id="orb-banner"><div class="orb-banner-wrapper"><p>Let us know you agree to cookies</p><p>We use cookies to give you the best online experience. Please let us know if you agree to all of these cookies.</p><button>Yes, I agree</button><a href="/usingthebbc/cookies/">No, take me to settings</a></div></div>
<header role="banner" class="ssrcss-1s9ni58-Header"><a href="#main-content" class="ssrcss-1n0zhsh-SkipLink">Skip to content</a><nav aria-label="BBC"><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li><li><a href="/weather">Weather</a></li></ul></nav></header>
<div id="main-wrapper" class="ssrcss-1ocoo3l-Wrap e42f8511"><div class="ssrcss-1w8jf4k-Stack">
<main id="main-content" data-testid="main-content" class="ssrcss-1d6gncc-Main e1iv61dy0"><article class="ssrcss-pv1rh6-ArticleWrapper e1nh2i2l6">
<header data-component="headline-block" class="ssrcss-1eqcsb1-HeadingWrapper e1nh2i2l5"><h1 id="main-heading" class="ssrcss-15xko80-StyledHeading e10rt3ze0">{esc(title)}</h1></header>
<div data-component="byline-block" class="ssrcss-68pt20-Text-TextContributorName e8mq1e96"><div class="ssrcss-68pt20-Text">By {author}</div><div class="ssrcss-84ltp5-Text">Science correspondent</div></div>
<div data-component="audio-block" class="ssrcss-1ocoo3l-Wrap"><div class="ssrcss-13yhmzn-Text">This audio is created with AI assistance</div><button class="ssrcss-x3a8ha-Button">Listen to this article</button></div>
{chr(10).join(body)}
<div data-component="tag-list" class="ssrcss-1qmkvfu-TopicListWrapper"><div class="ssrcss-1r3vwb7-Heading"><h2>Related topics</h2></div><ul class="ssrcss-1mqjm8y-TopicList"><li><a href="/news/topics/archaeology">Archaeology</a></li><li><a href="/news/topics/oceans">Oceans</a></li></ul></div>
<section data-component="links-block" class="ssrcss-17p1nc0-LinksSection"><h2 class="ssrcss-1pa8n73-Heading">More on this story</h2><ul><li><a href="/news/1">Divers uncover Bronze Age cargo</a></li><li><a href="/news/2">Roman shipwreck jars go on display</a></li></ul></section>
</article>
<div data-component="top-stories" class="ssrcss-1ocoo3l-Wrap"><h2 class="ssrcss-1cn6ifm-Heading">Top stories</h2><div class="ssrcss-PromoContent"><a href="/news/t1"><p class="ssrcss-PromoHeadline"><span>Prime minister sets out plan for new towns</span></p></a><a href="/news/t2"><p class="ssrcss-PromoHeadline"><span>Storm brings travel disruption to the north</span></p></a></div></div>
<div data-component="features-and-analysis" class="ssrcss-1ocoo3l-Wrap"><h2 class="ssrcss-1cn6ifm-Heading">Features</h2><div><a href="/news/f1"><p class="ssrcss-PromoHeadline"><span>The island where nobody locks their door</span></p></a><p>How a remote community keeps its traditions alive while the young move to the mainland.</p></div></div>
<div data-component="most-read" class="ssrcss-1ocoo3l-Wrap"><h2 class="ssrcss-1cn6ifm-Heading">Most read</h2><ol><li><a href="/news/m1">Man wins lottery twice in one week</a></li><li><a href="/news/m2">Record prices for seaside cottages</a></li><li><a href="/news/m3">School bans phones from lunch hall</a></li></ol></div>
</main></div></div>
<footer role="contentinfo" class="ssrcss-1sxzuu9-Footer"><p>Copyright 2025 BBC. All rights reserved. The BBC is not responsible for the content of external sites. Read about our approach to external linking.</p></footer>
</body></html>"""
    write("bbc-like", page, expected_lines(blocks))


# ---------------------------------------------------------------------------
# 11. Live blog: many posts, each an <article>, with a key-events sidebar


def live_blog():
    title = "Election night live: polls close as turnout nears record"
    author = "Live team"
    posts = [
        ("Exit poll gives no party a majority", [
            "The first exit poll, published as polling stations closed at 10 p.m., suggests no party will win an outright majority in the new parliament.",
            "The poll puts the governing coalition on 212 seats and the main opposition alliance on 198, with 326 needed to govern alone.",
        ]),
        ("Turnout close to record in the capital", [
            "Election officials in the capital say turnout reached 71 percent an hour before the polls closed, the highest figure there since 1992.",
            "Long queues were reported outside polling stations in several districts, and officials confirmed that everyone in line at closing time would still be allowed to vote.",
        ]),
        ("Opposition leader thanks volunteers", [
            "Speaking to supporters at a rally hall in the north of the city, the opposition leader thanked the party's volunteers and urged everyone to wait for the real results before celebrating.",
            "\"Exit polls have been wrong before, and they may be wrong tonight,\" she said.",
        ]),
        ("First result declared in a coastal seat", [
            "The first constituency result of the night came from a coastal seat in the south, where the sitting member held on with a slightly reduced majority.",
        ]),
    ]
    arts = []
    for i, (h, ps) in enumerate(posts):
        t = f"2025-10-05T2{2 - i // 2}:{50 - i * 12:02d}:00+01:00"
        inner = "".join(f"<p>{esc(p)}</p>" for p in ps)
        extra = ""
        if i == 1:
            extra = '<figure class="live-post__image"><img src="/queue.jpg" alt=""><figcaption>Voters queue in the rain. (Contributor/Getty Images)</figcaption></figure>'
        if i == 2:
            extra = '<div class="twitter-tweet-wrapper"><blockquote class="twitter-tweet"><p>Polls are closed! Thank you to every volunteer who knocked on doors today.</p>&mdash; Party press office (@press) <a href="#">October 5, 2025</a></blockquote></div>'
        arts.append(
            f'<article class="live-post" id="post-{i}" data-post-id="{9000 + i}"><header class="live-post__header"><time datetime="{t}">{22 - i // 2}:{50 - i * 12:02d}</time>'
            f'<span class="live-post__author">Posted by Live team</span></header><h2 class="live-post__title">{esc(h)}</h2>{inner}{extra}'
            f'<div class="live-post__share"><button>Share</button><button>Copy link to this post</button></div></article>'
        )
        if i == 1:
            arts.append('<div class="live-ad ad-slot"><span>Advertisement</span></div>')
    arts.reverse()  # newest first, as live blogs show them
    expected = ["Summary", "Polls closed at 10 p.m.; the exit poll points to a hung parliament", "Turnout in the capital was the highest since 1992"]
    for h, ps in reversed(posts):
        expected.append(h)
        expected.extend(ps)
    page = head(title, "The Evening Ledger", author, "2025-10-05T21:00:00+01:00") + f"""
<body class="liveblog">
{header("The Evening Ledger", ("Election 2025", "Results", "Analysis", "Map"))}
<main><div class="liveblog-container">
<div class="liveblog-header"><span class="live-badge">LIVE</span><h1>{esc(title)}</h1>
<p class="liveblog-updated">Updated <time datetime="2025-10-05T22:50:00+01:00">22:50</time> · Auto-refresh on</p></div>
<aside class="key-events"><h2>Key events</h2><ul><li><a href="#post-0">Exit poll gives no party a majority</a></li><li><a href="#post-3">First result declared in a coastal seat</a></li></ul>
<button class="toggle">Show key events only</button></aside>
<div class="liveblog-summary"><h2>Summary</h2><ul><li>Polls closed at 10 p.m.; the exit poll points to a hung parliament</li><li>Turnout in the capital was the highest since 1992</li></ul></div>
<div class="liveblog-feed" aria-live="polite"><div class="new-posts-banner" role="status">3 new updates</div>
{chr(10).join(arts)}
<button class="load-more">Load more updates</button></div>
{most_read()}
</div></main>
{FOOTER}
{COOKIE_ONETRUST}
</body></html>"""
    write("live-blog", page, expected)


if __name__ == "__main__":
    wordpress()
    substack()
    ghost()
    amp()
    paywall()
    jsonld_only()
    windows_1251()
    iso_8859_1()
    long_article()
    bbc_like()
    live_blog()
