"""The tenant's stylesheet: CSS custom properties from the tokens, and rules that use them.

Defence in depth: tokens were validated on input, and every value is validated again
here before it is written into CSS. A value that fails (a row edited by hand, a rule
tightened since) is replaced by the default's value, never emitted. Fonts are looked up
in the allowlist, so only our own font stacks can appear.
"""

import logging

from quartier.themes import tokens as t

logger = logging.getLogger(__name__)

_FALLBACK = t.default_tokens()

_RULES = """
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--q-background);color:var(--q-text);font-family:var(--q-font);\
line-height:1.5}
a{color:var(--q-link);text-decoration:underline;text-underline-offset:.15em}
a:hover{text-decoration-thickness:.15em}
:focus-visible{outline:3px solid var(--q-secondary);outline-offset:2px}
.q-skip-link{position:absolute;left:.5rem;top:-3rem;padding:.5rem 1rem;z-index:100;\
background:var(--q-primary);color:var(--q-on-primary);border-radius:var(--q-radius)}
.q-skip-link:focus{top:.5rem}
.q-header,.q-footer{padding:1rem clamp(1rem,4vw,3rem)}
.q-header{display:flex;flex-wrap:wrap;align-items:center;gap:.25rem .5rem;\
padding-top:.375rem;padding-bottom:.375rem;border-bottom:4px solid var(--q-primary)}
.q-brand{display:inline-flex;align-items:center;gap:.75rem;color:var(--q-text);\
font-weight:700;font-size:1.25rem;text-decoration:none;min-height:44px;margin-right:auto}
.q-brand img{max-height:2.5rem;width:auto;display:block}
.q-language{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem;margin-top:1rem}
.q-main{padding:1rem clamp(1rem,4vw,3rem);max-width:72rem;margin:0 auto}
.q-hero{padding:2rem 0;border-left:6px solid var(--q-secondary);padding-left:1.5rem;\
margin:1rem 0 2rem}
.q-hero h1{margin:0 0 .5rem;font-size:clamp(1.75rem,4vw,2.75rem);line-height:1.2}
.q-hero p{margin:0;font-size:1.15rem;max-width:40rem}
.q-footer{border-top:1px solid var(--q-secondary);margin-top:3rem}
.q-footer ul{list-style:none;display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;margin:0;padding:0}
.q-button,button,input[type=submit]{background:var(--q-primary);color:var(--q-on-primary);\
border:2px solid var(--q-primary);border-radius:var(--q-radius);padding:.5rem 1rem;\
font:inherit;cursor:pointer}
.q-button-secondary{background:var(--q-background);color:var(--q-text)}
input,select,textarea{font:inherit;color:inherit;background:var(--q-background);\
border:1px solid var(--q-text);border-radius:var(--q-radius);padding:.4rem .5rem}
.q-card{border:1px solid var(--q-secondary);border-radius:var(--q-radius);padding:1rem}
.q-legal{white-space:normal;max-width:48rem}
.q-error{color:var(--q-text);border-left:4px solid #b00020;padding-left:.5rem}
@media (prefers-reduced-motion:reduce){*{transition:none!important;animation:none!important}}
"""


def _safe(tokens: dict, field: str, check) -> object:
    value = tokens.get(field)
    if check(value):
        return value
    logger.warning("theme token %s failed validation at render; default used", field)
    return _FALLBACK[field]


def safe_design_tokens(tokens: dict) -> dict:
    """Colours, font key and radius, each re-validated (defaults replace bad values)."""
    safe = {field: _safe(tokens, field, t.is_colour).lower() for field in t.COLOUR_FIELDS}
    safe["font"] = _safe(tokens, "font", t.is_font)
    safe["radius"] = _safe(tokens, "radius", t.is_radius)
    return safe


def theme_stylesheet(tokens: dict) -> str:
    """The stylesheet for one token set (no request, no database)."""
    safe = safe_design_tokens(tokens)
    properties = {
        "--q-primary": safe["primary"],
        "--q-on-primary": t.ON_PRIMARY,
        "--q-secondary": safe["secondary"],
        "--q-background": safe["background"],
        "--q-text": safe["text"],
        "--q-link": t.link_colour(safe),
        "--q-font": t.FONTS[safe["font"]][1],
        "--q-radius": f"{int(safe['radius'])}px",
    }
    declarations = ";".join(f"{name}:{value}" for name, value in properties.items())
    return f":root{{{declarations}}}\n{_RULES.lstrip()}"
