// OnRecord embeds, both ends of one small protocol (the pattern WordPress and Mastodon use).
// On a host page: each <blockquote class="onrecord-quote" data-src="…/embed/quotes/N"> from
// oEmbed gets the card's iframe beside it; the blockquote is hidden only once the card has
// loaded and said how tall it is, so with OnRecord down the plain quote stays readable.
// Inside the card: post the card's height to the framing page on load and on every resize.
(function () {
  "use strict";
  const MESSAGE = "onrecord-embed-height";
  const MAX_HEIGHT = 5000;

  const card = document.documentElement.dataset.onrecordEmbed;
  if (card) {
    if (window.parent === window) return;
    let last = 0;
    const report = () => {
      const height = Math.ceil(document.body.getBoundingClientRect().height);
      if (height === last) return;
      last = height;
      // only a height leaves the card; any page may frame it, so any may read it
      window.parent.postMessage({ type: MESSAGE, id: card, height: height }, "*");
    };
    report();
    window.addEventListener("load", report);
    if (window.ResizeObserver) new ResizeObserver(report).observe(document.body);
    else window.addEventListener("resize", report);
    return;
  }

  const frames = (window.__onrecordEmbedFrames = window.__onrecordEmbedFrames || []);

  function onMessage(event) {
    const data = event.data;
    if (!data || data.type !== MESSAGE || typeof data.height !== "number") return;
    if (!Number.isFinite(data.height) || data.height < 1 || data.height > MAX_HEIGHT) return;
    for (const entry of frames) {
      if (entry.iframe.contentWindow !== event.source || entry.origin !== event.origin) continue;
      const height = entry.maxHeight ? Math.min(data.height, entry.maxHeight) : data.height;
      entry.iframe.style.height = Math.round(height) + "px";
      entry.iframe.style.visibility = "visible";
      entry.blockquote.style.display = "none";
    }
  }

  function upgrade(blockquote) {
    let src;
    try {
      src = new URL(blockquote.dataset.src, document.baseURI);
    } catch (err) {
      return;
    }
    if (src.protocol !== "https:" && src.protocol !== "http:") return;
    blockquote.dataset.onrecordUpgraded = "1";
    const iframe = document.createElement("iframe");
    iframe.src = src.href;
    iframe.title = "Quote on OnRecord";
    iframe.className = "onrecord-embed";
    iframe.setAttribute("scrolling", "no");
    iframe.referrerPolicy = "strict-origin-when-cross-origin";
    Object.assign(iframe.style, {
      display: "block", width: "100%", maxWidth: blockquote.style.maxWidth || "560px",
      height: "0", border: "0", visibility: "hidden",
    });
    const maxHeight = parseInt(blockquote.dataset.maxheight || "", 10);
    if (maxHeight > 0) iframe.removeAttribute("scrolling"); // capped: let the card scroll
    frames.push({ iframe, blockquote, origin: src.origin, maxHeight: maxHeight > 0 ? maxHeight : 0 });
    blockquote.after(iframe);
  }

  if (!window.__onrecordEmbedListening) {
    window.__onrecordEmbedListening = true;
    window.addEventListener("message", onMessage);
  }
  for (const blockquote of document.querySelectorAll("blockquote.onrecord-quote[data-src]")) {
    if (!blockquote.dataset.onrecordUpgraded) upgrade(blockquote);
  }
})();
