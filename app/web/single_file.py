#!/usr/bin/env python3
"""single_file.py - the one-file page (app/web/web.cmake runs it after the link): takes
emcc's page of three files (NAME.html, NAME.js, NAME.wasm, linked without
-sSINGLE_FILE) and writes one HTML file with the JavaScript inline and the wasm
gzip'd and base64'd inside. The page unpacks the wasm with the browser's own
DecompressionStream and hands it to emscripten through Module.instantiateWasm, so
it never fetches anything. (emcc's -sSINGLE_FILE puts the wasm in as plain base64:
1.8 MB of wasm became 2.4 MB of page; gzip'd first it is 0.9 MB.)

usage: single_file.py IN.html OUT.html
Writes OUT.html through a temporary file (never a half-written OUT.html); prints the
sizes. Exit 1 with a message when a file cannot be read or written, or when the
JavaScript holds "</script" (it could not be put inline as it is).
"""
import os
import re
import sys

from page_files import gzip_b64, write_atomic

LOADER = r"""
Module.instantiateWasm = function (imports, receive) {
  if (typeof DecompressionStream === "undefined") {
    throw new Error("this browser cannot unpack the page (no DecompressionStream: "
                    + "Chrome 80, Firefox 113, Safari 16.4 or newer)");
  }
  var bin = atob(TLAB_WASM), n = bin.length, gz = new Uint8Array(n);
  for (var i = 0; i < n; i++) gz[i] = bin.charCodeAt(i);
  TLAB_WASM = null; /* the string can go */
  var stream = new Blob([gz]).stream().pipeThrough(new DecompressionStream("gzip"));
  new Response(stream).arrayBuffer().then(function (buf) {
    return WebAssembly.instantiate(buf, imports);
  }).then(function (r) { receive(r.instance, r.module); },
          function (e) { abort("unpacking the page's wasm: " + e); });
  return {}; /* the exports come through receive */
};
"""


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    src, out = sys.argv[1], sys.argv[2]
    base = os.path.splitext(src)[0]
    try:
        with open(src, encoding="utf-8") as f:
            html = f.read()
        with open(base + ".js", encoding="utf-8") as f:
            js = f.read()
        with open(base + ".wasm", "rb") as f:
            wasm = f.read()
        tag = re.search(r'<script[^>]*\bsrc="%s"[^>]*>\s*</script>' % re.escape(os.path.basename(base) + ".js"), html)
        if not tag:
            print("single_file.py: %s has no <script src=\"%s.js\">" % (src, os.path.basename(base)), file=sys.stderr)
            return 1
        if "</script" in js.lower():
            print("single_file.py: %s.js holds '</script': it cannot go inline" % base, file=sys.stderr)
            return 1
        b64, gz_len = gzip_b64(wasm)
        inline = "<script>\nvar TLAB_WASM = \"%s\";\n%s</script>\n<script>\n%s\n</script>" % (b64, LOADER, js)
        write_atomic(out, html[:tag.start()] + inline + html[tag.end():])
    except OSError as e:
        print("single_file.py: %s" % e, file=sys.stderr)
        return 1
    print("single_file.py: %s: %d bytes (wasm %d, gzip'd %d; JavaScript %d)" %
          (out, os.path.getsize(out), len(wasm), gz_len, len(js)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
