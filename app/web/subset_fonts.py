"""subset_fonts.py - the page's fallback fonts without what the app never draws with
them (pack_assets.py --subset-fonts). The app (app/ui/ui_core.c) draws a character
with the face asked for (DejaVu Sans, Sans Bold or Sans Mono) and only when that face
lacks it with the first fallback that has it: WenQuanYi Micro Hei, then Symbola. So
a character all three DejaVu faces have never comes from a fallback, and one WenQuanYi
has never comes from Symbola: dropping those glyphs changes no pixel. Of the .ttc
only face 0 is opened (TTF_OpenFont), so WenQuanYi goes in as that face alone, a
TrueType file under the same name (FreeType reads the format from the bytes).
Measured on Debian 12's fonts: Symbola 1.51 -> 1.17 MB gzip'd, WenQuanYi 2.32 -> 1.75 MB.

The page also gets wqy-microhei-early.ttf: the WenQuanYi glyphs of the app's own texts
(the lesson texts and the catalogues of assets/: 841 characters, 0.15 MB), packed in the
page's first block, so Chinese is drawn at once while the two big fonts, in the late
block, are still being read (ui_core.c tries it after the other two).
"""
import io

from fontTools import subset as ft_subset
from fontTools.ttLib import TTFont

DEJAVU = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSansMono.ttf")
CJK, SYMBOLS, EARLY = "wqy-microhei.ttc", "Symbola.ttf", "wqy-microhei-early.ttf"  # ui_core.c's fallback_files


def _cmap(font):
    return set(font.getBestCmap().keys())


def _keep(font, unicodes):
    """font's bytes with the glyphs of unicodes only (and what they need: layout, hinting, names)."""
    opts = ft_subset.Options()
    opts.layout_features = ["*"]
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.notdef_outline = True
    opts.glyph_names = False
    opts.hinting = True
    opts.drop_tables += ["FFTM"]  # FontForge's time stamps: nothing draws with them
    sub = ft_subset.Subsetter(opts)
    sub.populate(unicodes=sorted(unicodes))
    sub.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def subset(fonts_dir, texts):
    """{"fonts/<file>": bytes}: the two fallback fonts in fonts_dir and the early part of
    WenQuanYi for the characters of texts (a str)."""
    path = lambda name: "%s/%s" % (fonts_dir, name)
    always = set.intersection(*[_cmap(TTFont(path(n))) for n in DEJAVU])
    cjk_has = _cmap(TTFont(path(CJK), fontNumber=0))
    sym = TTFont(path(SYMBOLS))
    sym_has = _cmap(sym)
    used = {ord(c) for c in set(texts)}
    return {"fonts/" + CJK: _keep(TTFont(path(CJK), fontNumber=0), cjk_has - always),
            "fonts/" + SYMBOLS: _keep(sym, sym_has - cjk_has - always),
            "fonts/" + EARLY: _keep(TTFont(path(CJK), fontNumber=0), (cjk_has & used) - always)}
