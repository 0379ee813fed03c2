// narrator's web player: plain JavaScript, no framework, no build step.
//
// The transcript comes from the narration's JSON timing map
// ({sample_rate, duration, segments: [{id, kind, written, spoken, start, end}]}),
// the sentence being read is highlighted from audio.currentTime in a
// requestAnimationFrame loop while playing (and on every seek while paused), and a
// click on a sentence (or Enter/Space on it) plays from its start.
(function () {
  "use strict";

  var root = document.getElementById("narrator-player");
  if (!root) {
    return;
  }
  var audio = document.getElementById("np-audio");
  var playButton = document.getElementById("np-play");
  var back = document.getElementById("np-back");
  var fwd = document.getElementById("np-fwd");
  var speed = document.getElementById("np-speed");
  var seek = document.getElementById("np-seek");
  var elapsed = document.getElementById("np-elapsed");
  var totalEl = document.getElementById("np-total");
  var list = document.getElementById("np-segments");

  var SKIP_S = 15;
  var ARROW_S = 5;
  // A seek lands on a sentence's start give or take a decoder frame: within this
  // much of a start counts as that sentence.
  var SNAP_S = 0.03;
  // Between sentences of one paragraph the pipeline pauses ~0.25 s, between
  // paragraphs ~0.6 s: a longer gap than this starts a new paragraph on screen.
  var PARAGRAPH_GAP_S = 0.45;

  var segments = []; // {start, end, el}, in time order
  var current = -1;
  var frame = 0;
  var declared = parseFloat(root.getAttribute("data-duration")) || 0;

  function pad(n) {
    return n < 10 ? "0" + n : String(n);
  }

  function clock(seconds) {
    var s = isFinite(seconds) && seconds > 0 ? Math.floor(seconds) : 0;
    var h = Math.floor(s / 3600);
    var m = Math.floor(s / 60) % 60;
    var sec = s % 60;
    return h > 0 ? h + ":" + pad(m) + ":" + pad(sec) : m + ":" + pad(sec);
  }

  function duration() {
    return isFinite(audio.duration) && audio.duration > 0 ? audio.duration : declared;
  }

  // The index of the sentence heard at time t: the last one starting at or before t
  // (a pause after a sentence still belongs to it), -1 before the first.
  function indexAt(t) {
    var lo = 0;
    var hi = segments.length - 1;
    var found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (segments[mid].start <= t + SNAP_S) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  function keepInView(el) {
    // Scroll the transcript box only: scrollIntoView would scroll the host page too
    // when the player is embedded.
    var top = el.offsetTop; // the list is the offset parent (position: relative)
    var bottom = top + el.offsetHeight;
    if (top < list.scrollTop || bottom > list.scrollTop + list.clientHeight) {
      list.scrollTop = Math.max(0, top - list.clientHeight / 3);
    }
  }

  function update() {
    var t = audio.currentTime;
    var i = indexAt(t);
    if (i !== current) {
      if (current >= 0 && segments[current]) {
        segments[current].el.classList.remove("np-current");
        segments[current].el.removeAttribute("aria-current");
      }
      current = i;
      if (i >= 0) {
        segments[i].el.classList.add("np-current");
        segments[i].el.setAttribute("aria-current", "true");
        keepInView(segments[i].el);
      }
    }
    var d = duration();
    elapsed.textContent = clock(t);
    seek.value = String(t);
    seek.setAttribute("aria-valuetext", clock(t) + " of " + clock(d));
  }

  function loop() {
    update();
    frame = !audio.paused && !audio.ended ? window.requestAnimationFrame(loop) : 0;
  }

  function seekTo(t) {
    var d = duration();
    var target = Math.max(0, d > 0 ? Math.min(t, d) : t);
    audio.currentTime = target;
    update();
  }

  function toggle() {
    if (audio.paused || audio.ended) {
      var p = audio.play();
      if (p && typeof p.catch === "function") {
        p.catch(function (e) {
          showStatus("The audio cannot play here (" + e.name + ").");
        });
      }
    } else {
      audio.pause();
    }
  }

  function showStatus(text) {
    var p = document.createElement("p");
    p.className = "np-status";
    p.setAttribute("role", "status");
    p.textContent = text;
    list.insertBefore(p, list.firstChild);
  }

  function setPlaying(playing) {
    playButton.textContent = playing ? "Pause" : "Play";
    playButton.setAttribute("aria-label", playing ? "Pause" : "Play");
    root.classList.toggle("np-playing", playing);
  }

  // --- the transcript -----------------------------------------------------------

  var BLOCK_KINDS = { disclosure: 1, title: 1, byline: 1, dateline: 1, heading: 1 };

  function build(map) {
    var items = map && Array.isArray(map.segments) ? map.segments : [];
    list.textContent = "";
    if (map && map.duration > 0) {
      declared = map.duration;
    }
    var block = null;
    var prev = null;
    items.forEach(function (s) {
      var start = Number(s.start);
      var end = Number(s.end);
      if (!isFinite(start) || !isFinite(end)) {
        return;
      }
      var kind = typeof s.kind === "string" ? s.kind : "paragraph";
      var newBlock =
        !block ||
        BLOCK_KINDS[kind] ||
        BLOCK_KINDS[prev.kind] ||
        kind !== prev.kind ||
        start - prev.end > PARAGRAPH_GAP_S;
      if (newBlock) {
        block = document.createElement("p");
        block.className = "np-block np-k-" + kind.replace(/[^a-z_]/g, "");
        list.appendChild(block);
      } else {
        block.appendChild(document.createTextNode(" "));
      }
      // A button in the accessibility tree, Tab-reachable, pressed with Enter or
      // Space; a span rather than a <button> so a sentence wraps like running text
      // (a <button> is an atomic inline box).
      var el = document.createElement("span");
      el.setAttribute("role", "button");
      el.tabIndex = 0;
      el.className = "np-seg";
      el.setAttribute("data-start", String(start));
      el.setAttribute("data-end", String(end));
      el.setAttribute("aria-label", "Play from: " + String(s.written || ""));
      el.textContent = String(s.written || "");
      el.addEventListener("click", function () {
        seekTo(start);
        if (audio.paused) {
          toggle();
        }
      });
      el.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " " || e.key === "Spacebar") {
          e.preventDefault();
          e.stopPropagation();
          el.click();
        }
      });
      block.appendChild(el);
      segments.push({ start: start, end: end, el: el });
      prev = { kind: kind, end: end };
    });
    segments.sort(function (a, b) {
      return a.start - b.start;
    });
    if (!segments.length) {
      showStatus("No transcript for this audio.");
    }
    current = -1;
    update();
    root.setAttribute("data-ready", "true");
    reportHeight();
  }

  function loadTranscript() {
    var url = root.getAttribute("data-timing");
    fetch(url, { credentials: "omit" })
      .then(function (r) {
        if (!r.ok) {
          throw new Error("HTTP " + r.status);
        }
        return r.json();
      })
      .then(build)
      .catch(function () {
        list.textContent = "";
        showStatus("The transcript could not be loaded.");
        root.setAttribute("data-ready", "true");
      });
  }

  // --- embedding: tell the host page (embed.js) how tall we are -------------------

  function reportHeight() {
    if (window.parent === window) {
      return;
    }
    var h = Math.ceil(document.documentElement.getBoundingClientRect().height);
    window.parent.postMessage({ type: "narrator:height", id: root.getAttribute("data-id"), height: h }, "*");
  }

  // --- wiring -------------------------------------------------------------------

  playButton.addEventListener("click", toggle);
  back.addEventListener("click", function () {
    seekTo(audio.currentTime - SKIP_S);
  });
  fwd.addEventListener("click", function () {
    seekTo(audio.currentTime + SKIP_S);
  });
  speed.addEventListener("change", function () {
    var r = parseFloat(speed.value);
    if (r > 0) {
      audio.playbackRate = r;
      audio.defaultPlaybackRate = r;
    }
  });
  seek.addEventListener("input", function () {
    seekTo(parseFloat(seek.value) || 0);
  });

  audio.addEventListener("play", function () {
    setPlaying(true);
    if (!frame) {
      frame = window.requestAnimationFrame(loop);
    }
  });
  audio.addEventListener("pause", function () {
    setPlaying(false);
    update();
  });
  audio.addEventListener("ended", function () {
    setPlaying(false);
    update();
  });
  // While paused no frames run: a seek from anywhere (the bar, a script) still moves
  // the highlight.
  audio.addEventListener("seeking", update);
  audio.addEventListener("seeked", update);
  audio.addEventListener("timeupdate", function () {
    if (audio.paused) {
      update();
    }
  });
  audio.addEventListener("loadedmetadata", function () {
    seek.max = String(duration());
    totalEl.textContent = clock(duration());
    update();
  });
  audio.addEventListener("error", function () {
    showStatus("The audio could not be loaded.");
  });

  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) {
      return;
    }
    var tag = e.target && e.target.tagName;
    if (tag === "SELECT") {
      return; // its own arrow keys choose the speed
    }
    if (e.key === " " || e.key === "Spacebar") {
      if (tag === "BUTTON") {
        return; // Space presses the focused button
      }
      e.preventDefault();
      toggle();
    } else if (e.key === "ArrowLeft" || e.key === "ArrowRight") {
      e.preventDefault();
      seekTo(audio.currentTime + (e.key === "ArrowLeft" ? -ARROW_S : ARROW_S));
    }
  });

  if (typeof ResizeObserver === "function") {
    new ResizeObserver(reportHeight).observe(document.documentElement);
  }
  window.addEventListener("load", reportHeight);

  setPlaying(false);
  loadTranscript();
})();
