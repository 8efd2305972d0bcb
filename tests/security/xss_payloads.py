"""Hostile text for every field members (and staff) type into.

Each payload, if it ever ran, would set the marker global ``window.__hearthXss`` or open a
dialog; the browser test checks neither happens and that no element the payload could have
made carries an event handler or a script URL. Sanitizing is tested with the CSP switched
off in the browser, so the sanitizer alone must hold; the CSP is the second wall.
"""

MARK = "window.__hearthXss=1;alert(1)"

SCRIPT_TAGS = [
    f"<script>{MARK}</script>",
    f"<SCRIPT>{MARK}</SCRIPT>",
    f"<script src=data:text/javascript,{MARK}></script>",
    f"<scr<script>ipt>{MARK}</scr</script>ipt>",
    f"</textarea><script>{MARK}</script>",
    f"</title><script>{MARK}</script>",
    f"\"><script>{MARK}</script>",
    f"'><script>{MARK}</script>",
]

SCRIPT_URLS = [
    f"<a href=\"javascript:{MARK}\">click</a>",
    f"<a href=\"JaVaScRiPt:{MARK}\">mixed case</a>",
    f"<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;{MARK}\">entities</a>",
    f"<a href=\"&#x6A;avascript&colon;{MARK}\">hex entities</a>",
    f"<a href=\"java\tscript:{MARK}\">tab split</a>",
    f"<a href=\" javascript:{MARK}\">leading space</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">data</a>",
    "<a href=\"vbscript:msgbox(1)\">vbscript</a>",
    f"<iframe src=\"javascript:{MARK}\"></iframe>",
    f"<form action=\"javascript:{MARK}\"><button>go</button></form>",
]

EVENT_HANDLERS = [
    f"<img src=x onerror=\"{MARK}\">",
    f"<img src=x oNeRrOr={MARK}>",
    f"<body onload=\"{MARK}\">",
    f"<div onmouseover=\"{MARK}\">hover</div>",
    f"<input autofocus onfocus=\"{MARK}\">",
    f"<details open ontoggle=\"{MARK}\">",
    f"<video><source onerror=\"{MARK}\"></video>",
    f"\" onmouseover=\"{MARK}\" x=\"",
    f"' onfocus='{MARK}' autofocus='",
]

SVG_AND_MATHML = [
    f"<svg onload=\"{MARK}\"></svg>",
    f"<svg><script>{MARK}</script></svg>",
    f"<svg><a xlink:href=\"javascript:{MARK}\"><text y=\"20\">svg link</text></a></svg>",
    f"<svg><animate onbegin=\"{MARK}\" attributeName=\"x\" dur=\"1s\"/></svg>",
    f"<math><maction actiontype=\"statusline\" xlink:href=\"javascript:{MARK}\">m</maction></math>",
    f"<math><mtext><table><mglyph><style><img src=x onerror=\"{MARK}\"></style></mglyph></table></mtext>",
]

BROKEN_AND_NESTED = [
    f"<img src=\"x\" onerror=\"{MARK}\"",
    f"<<img src=x onerror={MARK}>>",
    f"<a href=\"/\"<img src=x onerror={MARK}>>",
    f"<noscript><p title=\"</noscript><img src=x onerror={MARK}>\"></noscript>",
    f"<style><img src=x onerror=\"{MARK}\"></style>",
    f"<!--<img src=x onerror={MARK}>-->",
    f"<![CDATA[<img src=x onerror={MARK}>]]>",
    f"<object data=\"javascript:{MARK}\"></object>",
    f"<embed src=\"javascript:{MARK}\">",
    f"<base href=\"javascript:{MARK}//\">",
    f"<meta http-equiv=\"refresh\" content=\"0;url=javascript:{MARK}\">",
    f"<link rel=\"stylesheet\" href=\"javascript:{MARK}\">",
]

ENTITY_TRICKS = [
    f"&lt;script&gt;{MARK}&lt;/script&gt;",
    f"&amp;lt;img src=x onerror={MARK}&amp;gt;",
    f"\\u003cscript\\u003e{MARK}\\u003c/script\\u003e",
    f"%3Cscript%3E{MARK}%3C/script%3E",
]

MARKDOWN_TRICKS = [
    f"[click me](javascript:{MARK})",
    f"[click me](JAVASCRIPT:{MARK})",
    f"[click me](  javascript:{MARK}  )",
    f"[click me](java&#115;cript:{MARK})",
    f"[click me](&#x6A;avascript:{MARK})",
    f"[click me](<javascript:{MARK}>)",
    f"[ref link][evil]\n\n[evil]: javascript:{MARK}",
    f"<javascript:{MARK}>",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9ImFsZXJ0KDEpIi8+)",
    f"![x](javascript:{MARK})",
    f"![x\" onerror=\"{MARK}](https://example.com/x.png)",
    f"[x](https://example.com/\" onmouseover=\"{MARK})",
    f"`<script>{MARK}</script>`",
    f"```html\n<script>{MARK}</script>\n```",
    f"<div markdown=\"1\">[x](javascript:{MARK})</div>",
]

TEMPLATE_INJECTION = [
    "{{ request.user.password }}",
    "{% debug %}",
    "{{ 7|add:7 }} {% load static %}",
    "${7*7} #{7*7} <%= 7*7 %>",
]

# Text pushed over websockets inside JSON: must stay one string and render as text.
JSON_BREAKERS = [
    f"\"}}, {{\"type\": \"notification\", \"html\": \"<img src=x onerror={MARK}>\"}}",
    f"</script><script>{MARK}</script>",
    f"\u2028\u2029<img src=x onerror={MARK}>",
    f"\\\"<img src=x onerror={MARK}>",
]

ALL = (SCRIPT_TAGS + SCRIPT_URLS + EVENT_HANDLERS + SVG_AND_MATHML + BROKEN_AND_NESTED + ENTITY_TRICKS
       + MARKDOWN_TRICKS + TEMPLATE_INJECTION + JSON_BREAKERS)

def fit(payload: str, limit: int, index: int) -> str:
    """The payload cut to a field's length limit, tagged so every item is distinct (forms
    refuse duplicates and spam checks refuse repeats)."""
    tag = f" #{index}"
    return payload[: limit - len(tag)] + tag
