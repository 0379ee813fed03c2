// narrator's embed snippet. On a host page:
//   <script src="https://NARRATOR/embed.js" data-narration="nar_…" async></script>
// puts the player (/player/{id} on the same server as this script) in an iframe
// just after the script tag. The iframe keeps the host's CSS and scripts and ours
// apart; the player posts its height so the frame fits it.
(function () {
  "use strict";

  var ID = /^[A-Za-z0-9_-]{1,100}$/;
  var mine = [];

  function embed(script) {
    if (script.hasAttribute("data-narrator-embedded")) {
      return;
    }
    script.setAttribute("data-narrator-embedded", "");
    var id = script.getAttribute("data-narration") || "";
    if (!ID.test(id) || !script.src) {
      if (window.console) {
        window.console.warn("narrator embed: data-narration is not a narration id: " + id);
      }
      return;
    }
    var base = new URL(".", script.src); // the server, wherever it is mounted
    var frame = document.createElement("iframe");
    frame.src = new URL("player/" + encodeURIComponent(id), base).href;
    frame.title = script.getAttribute("data-title") || "Listen to this article";
    frame.className = "narrator-player-frame";
    frame.setAttribute("data-narration", id);
    frame.setAttribute("loading", "lazy");
    frame.style.cssText =
      "display:block;width:100%;max-width:48rem;height:22rem;border:0;margin:0;color-scheme:normal";
    script.parentNode.insertBefore(frame, script.nextSibling);
    mine.push({ frame: frame, origin: base.origin });
  }

  window.addEventListener("message", function (e) {
    var d = e.data;
    if (!d || d.type !== "narrator:height" || typeof d.height !== "number") {
      return;
    }
    for (var i = 0; i < mine.length; i++) {
      // Only our own frame, from our own server, may resize it.
      if (e.source === mine[i].frame.contentWindow && e.origin === mine[i].origin) {
        mine[i].frame.style.height = Math.min(Math.max(Math.ceil(d.height), 60), 4000) + "px";
      }
    }
  });

  if (document.currentScript) {
    embed(document.currentScript);
  }
  // Also any other snippets already on the page (async loads, pages that copy the
  // tag twice but load the script once).
  var all = document.querySelectorAll("script[data-narration]");
  for (var i = 0; i < all.length; i++) {
    embed(all[i]);
  }
})();
