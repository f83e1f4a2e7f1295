#!/usr/bin/env python3
"""single_file.py - the one-file page (app/web/web.cmake runs it after the link): takes
emcc's page of three files (NAME.html, NAME.js, NAME.wasm, linked without
-sSINGLE_FILE) and writes one HTML file: the wasm gzip'd and base64'd in a data block
(<script type="application/octet-stream">: the browser's script compiler never reads
it, which saves it compiling megabytes of string literals), a small loader and emcc's
JavaScript inline, then each --data file (base64 text of a gzip, e.g.
pack_assets.py's) in a data block of its own.

The loader starts unpacking the wasm at once (base64 by Uint8Array.fromBase64 where
the browser has it, else atob; then the browser's own DecompressionStream) into
WebAssembly.compileStreaming, which compiles it off the page's thread while the
parser reads the other blocks; emscripten gets the compiled module through
Module.instantiateWasm. Each other block is unpacked as soon as the parser is past
it (the script after it calls Module.tlabArrived); Module.tlabData(ID) is the
promise of block ID's bytes. The page never fetches anything. (emcc's -sSINGLE_FILE puts the wasm in as plain base64:
1.8 MB of wasm became 2.4 MB of page; gzip'd first it is 0.9 MB.)

usage: single_file.py IN.html OUT.html [--data ID=FILE.b64]...
Writes OUT.html through a temporary file (never a half-written OUT.html); prints the
sizes. Exit 1 with a message when a file cannot be read or written, or when the
JavaScript holds "</script" (it could not be put inline as it is).
"""
import os
import re
import sys

from page_files import gzip_b64, write_atomic

LOADER = r"""
(function () {
  var need = "this browser cannot unpack the page (no DecompressionStream: Chrome 80, Firefox 113, Safari 16.4 or newer)";
  if (typeof DecompressionStream === "undefined") { Module.setStatus(need); throw new Error(need); }
  var gunzip = function (id) { /* block id's bytes, unpacked, as a stream */
    var el = document.getElementById(id), text = el.textContent, gz;
    el.remove();
    if (Uint8Array.fromBase64) {
      gz = Uint8Array.fromBase64(text);
    } else {
      var bin = atob(text), n = bin.length;
      gz = new Uint8Array(n);
      for (var i = 0; i < n; i++) gz[i] = bin.charCodeAt(i);
    }
    /* a stream of the one chunk, in the page (a Blob's stream would go through the browser's blob store) */
    return new ReadableStream({start: function (c) { c.enqueue(gz); c.close(); }})
      .pipeThrough(new DecompressionStream("gzip"));
  };
  var wasm = new Response(gunzip("tlab-wasm"), {headers: {"Content-Type": "application/wasm"}});
  var compiled = (WebAssembly.compileStreaming ? WebAssembly.compileStreaming(wasm)
                  : wasm.arrayBuffer().then(function (b) { return WebAssembly.compile(b); }))
    .then(function (m) { performance.mark("tlab-wasm-compiled"); return m; });
  var data = {}, arrived = {};
  %s.forEach(function (id) { data[id] = new Promise(function (ok) { arrived[id] = ok; }); });
  Module.tlabData = function (id) { return data[id]; };
  Module.tlabArrived = function (id) { /* the parser is past block id */
    performance.mark("tlab-parsed");
    arrived[id](new Response(gunzip(id)).arrayBuffer());
  };
  Module.instantiateWasm = function (imports, receive) {
    compiled.then(function (m) {
      return WebAssembly.instantiate(m, imports).then(function (inst) { receive(inst, m); });
    }).catch(function (e) { abort("unpacking the page's wasm: " + e); });
    return {}; /* the exports come through receive */
  };
})();
"""


def block(block_id, b64, arrived=False):
    """A data block; with arrived, followed by the script that tells the loader the parser is past it."""
    tail = '<script>Module.tlabArrived("%s");</script>\n' % block_id if arrived else ""
    return '<script type="application/octet-stream" id="%s">%s</script>\n' % (block_id, b64) + tail


def parse_args(argv):
    """(in, out, [(id, file)]) or None."""
    if len(argv) < 2:
        return None
    data, rest = [], argv[2:]
    while rest:
        if rest[0] != "--data" or len(rest) < 2 or "=" not in rest[1]:
            return None
        data.append(tuple(rest[1].split("=", 1)))
        rest = rest[2:]
    return argv[0], argv[1], data


def main():
    args = parse_args(sys.argv[1:])
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    src, out, data = args
    base = os.path.splitext(src)[0]
    try:
        with open(src, encoding="utf-8") as f:
            html = f.read()
        with open(base + ".js", encoding="utf-8") as f:
            js = f.read()
        with open(base + ".wasm", "rb") as f:
            wasm = f.read()
        blocks, kept = [], []
        for block_id, path in data:
            with open(path, encoding="ascii") as f:
                text = f.read()
            if text:  # an empty one (a late block with nothing in it) is left out
                blocks.append(block(block_id, text, arrived=True))
                kept.append((block_id, path))
        data = kept
        tag = re.search(r'<script[^>]*\bsrc="%s"[^>]*>\s*</script>' % re.escape(os.path.basename(base) + ".js"), html)
        if not tag:
            print("single_file.py: %s has no <script src=\"%s.js\">" % (src, os.path.basename(base)), file=sys.stderr)
            return 1
        if "</script" in js.lower():
            print("single_file.py: %s.js holds '</script': it cannot go inline" % base, file=sys.stderr)
            return 1
        b64, gz_len = gzip_b64(wasm)
        ids = "[" + ", ".join('"%s"' % i for i, _ in data) + "]"
        # the wasm first: it compiles (off the page's thread) while the parser reads the other blocks
        inline = (block("tlab-wasm", b64) + "<script>%s</script>\n<script>\n%s\n</script>\n" % (LOADER % ids, js) +
                  "".join(blocks))
        write_atomic(out, html[:tag.start()] + inline + html[tag.end():])
    except OSError as e:
        print("single_file.py: %s" % e, file=sys.stderr)
        return 1
    print("single_file.py: %s: %d bytes (wasm %d, gzip'd %d; JavaScript %d; %d data blocks)" %
          (out, os.path.getsize(out), len(wasm), gz_len, len(js), len(data)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
