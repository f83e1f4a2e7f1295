/* web.js - the page's JavaScript half of app/web/web.c (given to emcc as --pre-js):
 * what C calls through one-line EM_ASM statements (EM_ASM cannot hold JavaScript
 * with commas outside parentheses). Nothing here reaches outside the page. */

/* A blob offered as a download under name (the browser test reads the console line). */
Module.tlabOffer = function (blob, name, note) {
  var link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(function () { URL.revokeObjectURL(link.href); }, 60000);
  console.log("TLAB_DOWNLOAD " + name + " " + blob.size + (note ? " " + note : ""));
};

/* A file of the page's file system offered as a download. */
Module.tlabDownload = function (path) {
  var name = path.split("/").pop();
  Module.tlabOffer(new Blob([FS.readFile(path)], {type: name.endsWith(".png") ? "image/png" : "application/octet-stream"}), name);
};

/* A folder of the page's file system (a deck) offered as one ZIP download: its files,
 * sorted, stored as they are (PNGs are compressed already; the format's "stored"
 * method with each file's CRC-32), so the browser asks once, not once per slide. */
Module.tlabDownloadDir = function (dir) {
  var crcTable = [];
  for (var n = 0; n < 256; n++) {
    var c = n;
    for (var k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
    crcTable[n] = c >>> 0;
  }
  var crc32 = function (data) {
    var c = 0xFFFFFFFF;
    for (var i = 0; i < data.length; i++) c = crcTable[(c ^ data[i]) & 0xFF] ^ (c >>> 8);
    return (c ^ 0xFFFFFFFF) >>> 0;
  };
  var folder = dir.split("/").pop();
  var names = FS.readdir(dir).filter(function (f) { return f[0] !== "."; }).sort();
  var parts = [], central = [], offset = 0;
  var header = function (size, fields) { /* little-endian fields: [bytes, value] */
    var b = new DataView(new ArrayBuffer(size)), at = 0;
    fields.forEach(function (f) { if (f[0] === 4) b.setUint32(at, f[1], true); else b.setUint16(at, f[1], true); at += f[0]; });
    return new Uint8Array(b.buffer);
  };
  names.forEach(function (name) {
    var path = dir + "/" + name;
    FS.chmod(path, 420); /* 0644: afile's files come out with mode 0 here */
    var data = FS.readFile(path), crc = crc32(data);
    var fname = new TextEncoder().encode(folder + "/" + name);
    var common = [[2, 20], [2, 0x0800], [2, 0], [2, 0], [2, 0x21], [4, crc], [4, data.length], [4, data.length], [2, fname.length], [2, 0]];
    parts.push(header(30, [[4, 0x04034b50]].concat(common)), fname, data);
    central.push(header(46, [[4, 0x02014b50], [2, 20]].concat(common).concat([[2, 0], [2, 0], [2, 0], [4, 0], [4, offset]])), fname);
    offset += 30 + fname.length + data.length;
  });
  var size = central.reduce(function (s, p) { return s + p.length; }, 0);
  var end = header(22, [[4, 0x06054b50], [2, 0], [2, 0], [2, names.length], [2, names.length], [4, size], [4, offset], [2, 0]]);
  Module.tlabOffer(new Blob(parts.concat(central, [end]), {type: "application/zip"}), folder + ".zip", names.length + " files");
};

/* The hidden text field that takes an input method's composition while the app
 * takes text (want), and hands it to tlab_web_ime (0: composing, 1: committed). */
Module.tlabImeFollow = function (want) {
  var f = document.getElementById("tlab-ime");
  if (!f) {
    f = document.createElement("textarea");
    f.id = "tlab-ime";
    f.setAttribute("autocomplete", "off");
    f.setAttribute("autocapitalize", "off");
    f.setAttribute("spellcheck", "false");
    f.style.cssText = "position:fixed;left:0;top:0;width:1px;height:1px;opacity:0;border:0;padding:0;resize:none";
    var send = function (kind, text) {
      var n = lengthBytesUTF8(text) + 1, p = _malloc(n);
      stringToUTF8(text, p, n);
      _tlab_web_ime(kind, p);
      _free(p);
    };
    f.addEventListener("compositionupdate", function (e) { send(0, e.data || ""); });
    f.addEventListener("compositionend", function (e) { send(0, ""); if (e.data) send(1, e.data); f.value = ""; });
    f.addEventListener("input", function (e) { if (!e.isComposing) f.value = ""; });
    document.body.appendChild(f);
  }
  if (want && document.activeElement !== f) f.focus();
  if (!want && document.activeElement === f) { f.blur(); Module.canvas.focus(); }
};
