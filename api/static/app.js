// Live search: results follow the search box; the URL always holds the whole search.
(function () {
  "use strict";
  const form = document.getElementById("search-form");
  const announce = document.getElementById("announce");

  function say(text) {
    if (announce) announce.textContent = text;
  }

  document.addEventListener("click", async (event) => {
    const button = event.target.closest("button.copy");
    if (!button) return;
    const label = button.dataset.label || button.textContent;
    button.dataset.label = label;
    try {
      await navigator.clipboard.writeText(button.dataset.citation);
      button.textContent = "Copied";
      say("Citation copied");
    } catch (err) {
      window.prompt("Copy the citation:", button.dataset.citation);
    }
    setTimeout(() => { button.textContent = label; }, 2000);
  });

  // Long facet lists: the filter box beside "Show more" narrows the values as you type.
  function enableFacetFilters() {
    document.querySelectorAll(".facet-filter[hidden]").forEach((label) => { label.hidden = false; });
  }
  document.addEventListener("input", (event) => {
    const box = event.target.closest("input[data-filters]");
    if (!box) return;
    const words = box.value.trim().toLowerCase();
    const list = document.getElementById(box.dataset.filters);
    if (!list) return;
    for (const item of list.children) {
      item.hidden = words !== "" && !item.textContent.toLowerCase().includes(words);
    }
  });
  enableFacetFilters();

  if (!form) return;
  // On a phone the results come first: the filters wait behind their button.
  const phone = window.matchMedia("(max-width: 720px)");
  const filters = () => document.querySelector("details.filters");
  if (phone.matches && filters()) filters().open = false;
  let timer = null;
  let controller = null;

  async function refresh() {
    const params = new URLSearchParams(new FormData(form));
    for (const [key, value] of [...params.entries()]) {
      if (!value) params.delete(key);
    }
    const url = params.toString() ? "/?" + params.toString() : "/";
    if (controller) controller.abort();
    controller = new AbortController();
    try {
      const response = await fetch(url + (params.toString() ? "&" : "?") + "partial=1", {
        signal: controller.signal,
        headers: { Accept: "text/html" },
      });
      if (!response.ok) return;
      const html = await response.text();
      const current = document.getElementById("results");
      const holder = document.createElement("div");
      holder.innerHTML = html;
      const fresh = holder.querySelector("#results");
      if (current && fresh) {
        const before = filters();
        const after = fresh.querySelector("details.filters");
        if (before && after) after.open = before.open; // typing keeps the filters as they were
        current.replaceWith(fresh);
        enableFacetFilters();
        history.replaceState(null, "", url);
        say(fresh.dataset.total + " quotes");
      }
    } catch (err) {
      if (err.name !== "AbortError") say("Search failed; press Enter to retry");
    }
  }

  form.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  });
})();
