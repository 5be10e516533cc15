"""The web page's HTML and CSS, as plain Python strings.

Every piece of text that came from the record (or from the form) goes through ``esc``; the
templates below hold only the page's own words. No script anywhere: the page works with forms
alone, so the Content-Security-Policy can forbid scripts outright.
"""

from __future__ import annotations

from html import escape

from bot.plans.structure import Item, Plan
from bot.web.formats import FORMATS

SERVICE = "Outcomes Coach"

WRONG_CODE = (
    "That code didn't open a plan. It may be mistyped, or it may have expired or been "
    "cancelled. Check it with the person, or ask them for a new one."
)
NO_CODE = "Please enter the share code the person gave you."
TOO_MANY_HERE = (
    "Too many codes that didn't work have been tried from here. For the safety of people's "
    "plans, please wait {minutes} and try again."
)
TOO_MANY_EVERYONE = (
    "Too many codes that didn't work have been tried on this service just now. For the safety "
    "of people's plans, please wait {minutes} and try again."
)
EXPIRED_VIEW = (
    "This page has been closed or has expired. For the person's privacy, a plan stays open "
    "here for {minutes} after the code is entered. Please enter the code again."
)
NO_FORMAT = "That kind of copy isn't available here. Please choose one from the plan's page."
CROSS_SITE = "This form can only be sent from this service's own page."
RISK_NOTE = (
    "During the conversation, something was said that may need a check on safety. "
    "Please talk with the person about it soon."
)


def esc(text: object) -> str:
    """HTML-escaped text (quotes too, so it is safe in attributes)."""
    return escape("" if text is None else str(text), quote=True)


def minutes(seconds: float) -> str:
    whole = max(1, round(seconds / 60))
    return "1 minute" if whole == 1 else f"{whole} minutes"


def page(title: str, body: str) -> str:
    """A whole page: one ``<main>``, the service name above it, no script."""
    return f"""<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{esc(title)} – {SERVICE}</title>
<link rel="stylesheet" href="/style.css">
</head>
<body>
<a class="skip" href="#main">Skip to the main content</a>
<header class="masthead"><p>{SERVICE}: a plan shared with you</p></header>
<main id="main">
{body}
</main>
<footer><p>This page is read-only. Nothing you see here is saved in your browser.</p></footer>
</body>
</html>
"""


def _problem(message: str) -> str:
    return (
        '<div class="problem" role="alert" aria-labelledby="problem-title">'
        '<h2 id="problem-title">There is a problem</h2>'
        f"<p>{esc(message)}</p></div>"
    )


def entry_page(problem: str | None = None) -> str:
    """The form for the share code (never filled in again from a request)."""
    invalid = ' aria-invalid="true"' if problem else ""
    body = f"""{_problem(problem) if problem else ""}
<h1>Open a plan someone shared with you</h1>
<p>Enter the share code the person gave you. Each time a code is used, the person can see
when, and the name you give.</p>
<form method="post" action="/plan" autocomplete="off">
<div class="field">
<label for="code">Share code</label>
<p class="hint" id="code-hint">Seven groups of letters and numbers, like ABCD-EFGH-…
Capital letters, spaces and dashes don't matter.</p>
<input id="code" name="code" type="text" required maxlength="100" autocomplete="off"
 autocapitalize="characters" spellcheck="false" aria-describedby="code-hint"{invalid}>
</div>
<div class="field">
<label for="name">Your name and role (optional)</label>
<p class="hint" id="name-hint">For example: Sam Patel, social worker.</p>
<input id="name" name="name" type="text" maxlength="100" autocomplete="off"
 aria-describedby="name-hint">
</div>
<button type="submit">Open the plan</button>
</form>"""
    return page("Open a shared plan", body)


def _quoted(text: str, quoted: bool) -> str:
    return f'<span class="own-words">“{esc(text)}”</span>' if quoted else esc(text)


def _item(item: Item) -> str:
    text = _quoted(item.text, item.quoted)
    if item.worker_note:
        text = f'<strong class="note-label">Worker\'s note:</strong> {text}'
    marks = [m for m in (item.tag, "achieved" if item.achieved else None) if m]
    if marks:
        text += f' <span class="tag">({esc(" · ".join(marks))})</span>'
    if item.details:
        rows = "".join(
            f"<div><dt>{esc(d.label)}</dt><dd>{_quoted(d.text, d.quoted)}</dd></div>"
            for d in item.details
        )
        text += f'<dl class="details">{rows}</dl>'
    return f'<li class="worker-note">{text}</li>' if item.worker_note else f"<li>{text}</li>"


def plan_article(plan: Plan) -> str:
    """The plan itself: title, intro, then a section per heading."""
    parts = [f"<h1>{esc(plan.title)}</h1>", f'<p class="intro">{esc(plan.intro)}</p>']
    for number, section in enumerate(plan.sections, start=1):
        parts.append(
            f'<section aria-labelledby="section-{number}">'
            f'<h2 id="section-{number}">{esc(section.heading)}</h2>'
            f'<ul class="items">{"".join(_item(i) for i in section.items)}</ul></section>'
        )
    return f'<article class="plan">{"".join(parts)}</article>'


def _token_form(action: str, token: str, button: str, extra: str = "", css: str = "") -> str:
    klass = f' class="{css}"' if css else ""
    return (
        f'<form method="post" action="{action}">'
        f'<input type="hidden" name="token" value="{esc(token)}">{extra}'
        f'<button type="submit"{klass}>{button}</button></form>'
    )


def plan_page(
    plan: Plan,
    *,
    token: str,
    who: str | None,
    risk: bool,
    ttl: float,
) -> str:
    """The opened plan, with download buttons (forms carrying the view token, not the code)."""
    opened = f"You opened this plan as {esc(who)}. " if who else ""
    risk_note = (
        f'<div class="risk" role="note"><h2>Please note</h2><p>{esc(RISK_NOTE)}</p></div>'
        if risk
        else ""
    )
    downloads = "".join(
        "<li>"
        + _token_form(
            "/download",
            token,
            f"Download: {esc(label)}",
            f'<input type="hidden" name="format" value="{esc(fmt)}">',
        )
        + "</li>"
        for fmt, label in FORMATS.items()
    )
    body = f"""<div class="notice"><p>{opened}This plan stays open here for {minutes(ttl)}.
The person's own words are in quotes; worker's notes are marked.</p></div>
{risk_note}
{plan_article(plan)}
<section class="downloads" aria-labelledby="downloads">
<h2 id="downloads">Download a copy</h2>
<p>A copy is a file on your computer: keep it as safely as any care record.</p>
<ul class="download-list">{downloads}</ul>
</section>
<section class="finish" aria-labelledby="finish">
<h2 id="finish">When you've finished</h2>
{_token_form("/close", token, "Close this plan", css="secondary")}
</section>"""
    return page(plan.title, body)


def message_page(title: str, message: str, *, again: bool = True) -> str:
    """A short page with one message, and a way back to the code form."""
    link = '<p><a href="/">Enter a share code</a></p>' if again else ""
    return page(title, f"<h1>{esc(title)}</h1><p>{esc(message)}</p>{link}")


STYLE = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
html { font-size: 100%; }
body {
  margin: 0; background: #ffffff; color: #0b0c0c;
  font-family: "Helvetica Neue", Arial, "Liberation Sans", sans-serif;
  font-size: 1.25rem; line-height: 1.5;
}
.skip { position: absolute; left: -9999px; }
.skip:focus { position: static; display: inline-block; padding: .5rem; background: #ffdd00; }
.masthead { background: #0b0c0c; color: #ffffff; padding: .75rem 1.25rem; }
.masthead p { margin: 0; font-weight: bold; }
main { max-width: 42rem; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; }
footer { border-top: 1px solid #b1b4b6; padding: 1rem 1.25rem; color: #383f43; font-size: 1rem; }
h1 { font-size: 2.25rem; line-height: 1.2; margin: 0 0 1rem; }
h2 { font-size: 1.6rem; line-height: 1.25; margin: 2rem 0 .75rem; }
a { color: #1d70b8; }
a:focus, button:focus, input:focus {
  outline: 3px solid #ffdd00; outline-offset: 0; box-shadow: 0 0 0 6px #0b0c0c;
}
.field { margin: 0 0 1.5rem; }
label { display: block; font-weight: bold; margin-bottom: .25rem; }
.hint { color: #383f43; margin: 0 0 .5rem; }
input[type="text"] {
  width: 100%; max-width: 32rem; font: inherit; padding: .5rem;
  border: 2px solid #0b0c0c; border-radius: 0;
}
input[aria-invalid="true"] { border-color: #d4351c; border-width: 4px; }
button {
  font: inherit; font-weight: bold; color: #ffffff; background: #00703c;
  border: 0; box-shadow: 0 2px 0 #002d18; padding: .6rem 1.1rem; cursor: pointer;
}
button:hover { background: #005a30; }
button.secondary { color: #0b0c0c; background: #f3f2f1; box-shadow: 0 2px 0 #929191; }
.problem { border: 5px solid #d4351c; padding: 1rem 1.25rem; margin-bottom: 2rem; }
.problem h2 { margin-top: 0; }
.notice { border-left: 10px solid #1d70b8; background: #f3f2f1; padding: .75rem 1rem; }
.notice p { margin: 0; }
.risk { border: 5px solid #d4351c; padding: 0 1.25rem; margin: 1.5rem 0; }
.plan { margin-top: 1.5rem; }
.intro { font-size: 1.35rem; }
.items { padding-left: 1.5rem; }
.items li { margin-bottom: .75rem; }
.own-words { font-style: normal; }
.items li.worker-note {
  list-style: none; margin-left: -1.5rem; padding: .25rem .75rem;
  border-left: 6px solid #4c2c92; background: #f6f4fa;
}
.note-label { color: #4c2c92; }
.tag { color: #383f43; font-size: 1.05rem; }
.details { margin: .25rem 0 0; }
.details dt, .details dd { display: inline; margin: 0; }
.details dt { font-weight: bold; }
.details dt::after { content: ": "; }
.download-list { list-style: none; padding: 0; }
.download-list li { margin-bottom: .75rem; }
@media print {
  .masthead, .downloads, .finish, footer, .skip { display: none; }
}
"""


__all__ = [
    "CROSS_SITE",
    "EXPIRED_VIEW",
    "NO_CODE",
    "NO_FORMAT",
    "STYLE",
    "TOO_MANY_EVERYONE",
    "TOO_MANY_HERE",
    "WRONG_CODE",
    "entry_page",
    "esc",
    "message_page",
    "minutes",
    "plan_article",
    "plan_page",
]
