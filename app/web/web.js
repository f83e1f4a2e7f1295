/* web.js - the page's JavaScript half of app/web/web.c (given to emcc as --pre-js):
 * what C calls through one-line EM_ASM statements (EM_ASM cannot hold JavaScript
 * with commas outside parentheses). Nothing here reaches outside the page. */

/* A file of the page's file system offered as a download. */
Module.tlabDownload = function (path) {
  var name = path.split("/").pop();
  var blob = new Blob([FS.readFile(path)], {type: name.endsWith(".png") ? "image/png" : "application/octet-stream"});
  var link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(function () { URL.revokeObjectURL(link.href); }, 60000);
  console.log("TLAB_DOWNLOAD " + name + " " + blob.size);
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
