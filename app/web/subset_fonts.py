"""subset_fonts.py - the page's fallback fonts without what the app never draws with
them (pack_assets.py --subset-fonts). The app (app/ui/ui_core.c) draws a character
with the face asked for (DejaVu Sans, Sans Bold or Sans Mono) and only when that face
lacks it with the first fallback that has it: WenQuanYi Micro Hei, then Symbola. So
a character all three DejaVu faces have never comes from a fallback, and one WenQuanYi
has never comes from Symbola: dropping those glyphs changes no pixel. Of the .ttc
only face 0 is opened (TTF_OpenFont), so WenQuanYi goes in as that face alone, a
TrueType file under the same name (FreeType reads the format from the bytes).
Measured on Debian 12's fonts: Symbola 1.51 -> 1.17 MB gzip'd, WenQuanYi 2.32 -> 1.75 MB.
"""
import io

from fontTools import subset as ft_subset
from fontTools.ttLib import TTFont

DEJAVU = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSansMono.ttf")
CJK, SYMBOLS = "wqy-microhei.ttc", "Symbola.ttf"  # the fallback order of ui_core.c's fallback_files


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


def subset(fonts_dir):
    """{"fonts/<file>": bytes} for the two fallback fonts in fonts_dir."""
    path = lambda name: "%s/%s" % (fonts_dir, name)
    always = set.intersection(*[_cmap(TTFont(path(n))) for n in DEJAVU])
    cjk = TTFont(path(CJK), fontNumber=0)
    cjk_has = _cmap(cjk)
    sym = TTFont(path(SYMBOLS))
    sym_has = _cmap(sym)
    return {"fonts/" + CJK: _keep(cjk, cjk_has - always),
            "fonts/" + SYMBOLS: _keep(sym, sym_has - cjk_has - always)}
