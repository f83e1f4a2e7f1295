#!/usr/bin/env python3
"""pack_assets.py - the one-file page's files (app/web/web.cmake runs it): every file
of assets/ (fonts, models, lesson texts) put end to end, gzip'd as one and base64'd
into OUT.b64, which single_file.py puts in the page as a data block (not JavaScript:
the browser's script compiler never sees it), and OUT.js, given to emcc as --pre-js:
where each file lies in the block, and the code that, before main() runs, writes them
into the page's file system at /assets, where the app reads them as on disk. The
block is unpacked (base64, then the browser's own DecompressionStream) by
single_file.py's loader as soon as the page is parsed, while the wasm compiles.
Gzip makes the page a third smaller than emcc's --embed-file (fonts shrink to half;
the weights hardly).

usage: pack_assets.py OUT.js ASSETS_DIR [--skip RELPATH]... [--also DIR AS]... [--subset-fonts]
                     [--late RELPATH]...
--also packs the files of another folder (the build's compiled catalogues, locale/<lang>.mo)
as /assets/AS/<file>. --subset-fonts packs the two fallback fonts without the glyphs the
app can never take from them (subset_fonts.py: the page is 1.2 MB smaller, and every byte
of it is parsed before the first frame). --late puts a file in a second block, OUT-late.b64
(id tlab-assets-late), placed after the first: the app starts as soon as the first block
is in, while the parser still reads the second (the fallback fonts: 3.9 MB of the page);
when the second is unpacked its files are written and the app is told (tlab_web_late,
app/web/web.c: a text drawn with boxes meanwhile is drawn again). Writes OUT.js and
OUT.b64 through temporary files (never a half-written one); prints the total sizes. Exit 1 with a message when a file cannot be read or written.
"""
import json
import os
import sys

from page_files import gzip_b64, write_atomic

DATA_ID, LATE_ID = "tlab-assets", "tlab-assets-late"  # the page's data blocks (single_file.py --data)

UNPACK = r"""
Module.tlabLate = %d; /* 1 once the late block's files are written (or when there is none) */
Module.preRun = [].concat(Module.preRun || [], function () {
  var write = function (id, buf) { /* block id's files into /assets */
    TLAB_FILES.forEach(function (e) {
      if (e[3] !== id) return;
      var path = "/assets/" + e[0];
      if (e[1] + e[2] > buf.byteLength) throw new Error(path + ": the page's files end at " + buf.byteLength);
      FS.mkdirTree(path.substring(0, path.lastIndexOf("/")));
      FS.writeFile(path, new Uint8Array(buf, e[1], e[2]), {canOwn: true}); /* no copy */
    });
  };
  addRunDependency("tlab-assets");
  Module.tlabData("%s").then(function (buf) {
    write("%s", buf);
    performance.mark("tlab-assets-ready");
    removeRunDependency("tlab-assets");
  }).catch(function (e) { abort("unpacking the page's files: " + e); });
  if (!Module.tlabLate) Module.tlabData("%s").then(function (buf) {
    write("%s", buf);
    performance.mark("tlab-late-ready");
    Module.tlabLate = 1;
    if (Module.tlabStarted) _tlab_web_late(); /* else main finds the files there */
  }).catch(function (e) { abort("unpacking the page's files: " + e); });
});
"""


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    out, root, skip, also, subset, late = args[0], args[1], set(), [], False, set()
    rest = args[2:]
    while rest:
        if rest[0] == "--subset-fonts":
            subset = True
            rest = rest[1:]
        elif rest[0] == "--late" and len(rest) >= 2:
            late.add(rest[1])
            rest = rest[2:]
        elif rest[0] == "--skip" and len(rest) >= 2:
            skip.add(rest[1])
            rest = rest[2:]
        elif rest[0] == "--also" and len(rest) >= 3:
            also.append((rest[1], rest[2].strip("/")))
            rest = rest[3:]
        else:
            print("pack_assets.py: unknown argument %r" % rest[0], file=sys.stderr)
            return 2
    entries, blobs = [], {DATA_ID: bytearray(), LATE_ID: bytearray()}
    data_out = {DATA_ID: os.path.splitext(out)[0] + ".b64", LATE_ID: os.path.splitext(out)[0] + "-late.b64"}
    try:
        smaller = {}
        if subset:
            import subset_fonts  # fontTools (Debian's python3-fonttools), needed only here
            texts = []
            for d, _, files in os.walk(root):  # the lesson texts and the catalogues: what the app draws in Chinese
                texts += [open(os.path.join(d, n), encoding="utf-8").read() for n in files if n.endswith((".txt", ".po"))]
            smaller = subset_fonts.subset(os.path.join(root, "fonts"), "".join(texts))
        for top, prefix in [(root, "")] + also:
            if not os.path.isdir(top):
                raise OSError("%s is not a folder" % top)
        for rel in sorted(r for r in smaller if not os.path.exists(os.path.join(root, r))):  # made here, no file in assets/
            entries.append((rel, len(blobs[DATA_ID]), len(smaller[rel]), DATA_ID))
            blobs[DATA_ID] += smaller[rel]
        for top, prefix in [(root, "")] + also:
            for d, dirs, files in os.walk(top):
                dirs.sort()
                for name in sorted(files):
                    path = os.path.join(d, name)
                    rel = os.path.relpath(path, top).replace(os.sep, "/")
                    rel = prefix + "/" + rel if prefix else rel
                    if rel in skip:
                        continue
                    if rel in smaller:
                        data = smaller[rel]
                    else:
                        with open(path, "rb") as f:
                            data = f.read()
                    block = LATE_ID if rel in late else DATA_ID
                    entries.append((rel, len(blobs[block]), len(data), block))
                    blobs[block] += data
        sizes = []
        for block, blob in blobs.items():
            b64, gz_len = gzip_b64(bytes(blob))
            write_atomic(data_out[block], b64 if blob or block == DATA_ID else "")
            sizes.append("%s %d bytes, %d gzip'd, %d in the page" % (block, len(blob), gz_len, len(b64) if blob else 0))
        has_late = len(blobs[LATE_ID]) > 0
        write_atomic(out, "/* generated by app/web/pack_assets.py from %s: do not edit */\n" % os.path.basename(root) +
                     "var TLAB_FILES = [\n" + ",\n".join(json.dumps(e) for e in entries) + "\n];\n" +
                     UNPACK % (0 if has_late else 1, DATA_ID, DATA_ID, LATE_ID, LATE_ID))
    except (OSError, ImportError) as e:
        print("pack_assets.py: %s" % e, file=sys.stderr)
        return 1
    print("pack_assets.py: %d files; %s" % (len(entries), "; ".join(sizes)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
