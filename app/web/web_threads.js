/* web_threads.js - the threaded page's guard (a --pre-js of the threaded build only,
 * app/web/web.cmake's TLAB_WEB_THREADS): its threads share the wasm memory through a
 * SharedArrayBuffer, which a browser gives only to a cross-origin isolated page (the
 * server sends Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy:
 * require-corp; scripts/web_serve.py does). A page that is not isolated opens the
 * single-threaded hosting build (../multi/, written beside it by scripts/web.sh) before
 * anything else runs; the threads themselves (workers) pass through. */
if (typeof window !== "undefined" && !self.crossOriginIsolated) {
  console.log("TLAB_NOT_ISOLATED the page is not cross-origin isolated: opening the single-threaded build");
  window.location.replace("../multi/transformer-lab.html" + window.location.search + window.location.hash);
  throw new Error("Transformer Lab: threads need a cross-origin isolated page");
}
