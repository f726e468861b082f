// <onrecord-quotes speaker="…" q="…" outlet="…" type="direct|indirect" from="2024-01-01"
//                  to="2024-12-31" sort="relevance|date|-date" limit="5" theme="light|dark"
//                  lang="en|fr|de">
//   <p>Fallback the host page writes: shown until the cards arrive, kept if they never do.</p>
// </onrecord-quotes>
// Renders quote cards from OnRecord's public search API into shadow DOM, on any site.
// Quote text is always set as text. Without the API (an error, or no answer within
// TIMEOUT_MS) the host's own content stays; with none, a link to the search.
(function () {
  "use strict";
  const TIMEOUT_MS = 8000;
  const FILTERS = ["q", "speaker", "outlet", "type", "from", "to", "sort"];
  // The labels around quotes per language: api/labels.json, put in by the server (/widget.js).
  const LABELS = {} /* labels.json */;
  const script = document.currentScript;
  const BASE = script ? new URL(script.src).origin : window.location.origin;
  const STYLE = `
    :host { display: block; font: 15px/1.45 system-ui, sans-serif; }
    .wrap { --ink: #1b1b1b; --muted: #555; --bg: #fff; --line: #d5d5d5; --accent: #1a4f8b; color: var(--ink); }
    .wrap.dark { --ink: #eee; --muted: #bbb; --bg: #1c1c1c; --line: #444; --accent: #8cb8ff; }
    .card { background: var(--bg); border: 1px solid var(--line); border-left: 4px solid var(--accent); border-radius: 6px; padding: 10px 14px; margin: 0 0 10px; }
    blockquote { margin: 0 0 6px; font-family: Georgia, serif; font-size: 1.05em; }
    blockquote.paraphrase { font-style: italic; }
    .by, .evidence, .statement { color: var(--muted); font-size: .9em; }
    .name { font-weight: 600; color: var(--ink); }
    a { color: var(--accent); }
  `;

  function el(tag, props, children) {
    const node = document.createElement(tag);
    Object.assign(node, props || {});
    for (const child of children || []) node.append(child);
    return node;
  }

  function labelsFor(lang) {
    const words = LABELS[lang] || LABELS.en || {};
    return (key) => (key in words ? words[key] : key);
  }

  function longDate(iso, label) {
    if (!iso) return "";
    const [year, month, day] = iso.split("-").map(Number);
    const months = label("months");
    return label("date").replace("{day}", day).replace("{month}", months[month - 1]).replace("{year}", year);
  }

  // "First reported by X on D, then in N outlets" when others reported the same words: worded
  // as api/labels.py `Labels.statement` words it on the embed card and our pages.
  function statementLine(hit, label) {
    const statement = hit.statement;
    if (!statement || statement.reports < 2) return [];
    const first = statement.first_reported;
    const more = statement.outlets - 1;
    const then = more > 0
      ? label(more === 1 ? "then_in_outlet" : "then_in_outlets").replace("{n}", more)
      : label("reported_times").replace("{n}", statement.reports);
    const lead = first.quote_id === hit.id
      ? document.createTextNode(label("first_reported"))
      : el("a", { href: BASE + "/quotes/" + first.quote_id, textContent: label("first_reported"), target: "_blank", rel: "noopener" });
    // a function as replacement, so "$&" in an outlet's name stays as written
    const by = label("first_reported_by").replace("{outlet}", () => first.outlet || label("unnamed_outlet"));
    const on = first.on ? " " + label("first_reported_on").replace("{date}", () => longDate(first.on, label)) : "";
    return [el("div", { className: "statement" }, [lead, document.createTextNode(" " + by + on + ", " + then)])];
  }

  class OnRecordQuotes extends HTMLElement {
    static get observedAttributes() { return [...FILTERS, "limit", "theme", "lang"]; }

    connectedCallback() { this.render(); }
    attributeChangedCallback() { if (this.isConnected) this.render(); }

    params() {
      const params = new URLSearchParams();
      for (const name of FILTERS) {
        const value = this.getAttribute(name);
        if (value) params.set(name, value);
      }
      const limit = Math.min(Math.max(parseInt(this.getAttribute("limit") || "5", 10) || 5, 1), 20);
      params.set("per_page", String(limit));
      return params;
    }

    async render() {
      const root = this.shadowRoot || this.attachShadow({ mode: "open" });
      const wrap = el("div", { className: "wrap" + (this.getAttribute("theme") === "dark" ? " dark" : "") });
      // the host's own children show through the slot until the cards replace them
      root.replaceChildren(el("style", { textContent: STYLE }), el("slot"));
      const params = this.params();
      const lang = this.getAttribute("lang") || "en";
      const label = labelsFor(lang);
      wrap.lang = lang;
      const searchLink = el("a", { href: BASE + "/?" + params.toString(), textContent: label("search_link"), target: "_blank", rel: "noopener" });
      if (this.controller) this.controller.abort();
      const controller = (this.controller = new AbortController());
      const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
      try {
        const response = await fetch(BASE + "/v1/search?" + params.toString(), { credentials: "omit", mode: "cors", signal: controller.signal });
        if (!response.ok) throw new Error("HTTP " + response.status);
        const body = await response.json();
        clearTimeout(timer);
        if (controller !== this.controller) return; // a newer render owns the element
        root.replaceChildren(root.firstChild, wrap);
        this.dataset.state = "loaded";
        for (const hit of body.hits) {
          const paraphrase = hit.type === "indirect"; // reported speech: never in quotation marks
          const by = el("div", { className: "by" }, [
            el("span", { className: "name", textContent: hit.speaker ? hit.speaker.name : label("unattributed") }),
            document.createTextNode((hit.said_on ? ", " + longDate(hit.said_on, label) : "") + (hit.article.outlet ? " · " + hit.article.outlet : "") + " · " + label(paraphrase ? "paraphrase" : "quote") + (hit.low_confidence ? " · " + label("uncertain") : "") + " · "),
            el("a", { href: BASE + "/quotes/" + hit.id, textContent: label("source"), target: "_blank", rel: "noopener" }),
          ]);
          const words = el("blockquote", { className: paraphrase ? "paraphrase" : "", textContent: paraphrase ? hit.cited : "\u201c" + hit.cited + "\u201d" });
          const evidence = hit.evidence.attributed_from ? [el("div", { className: "evidence", textContent: label("attributed_from") + " " + hit.evidence.attributed_from })] : [];
          wrap.append(el("figure", { className: "card" }, [words, by, ...evidence, ...statementLine(hit, label)]));
        }
        if (!body.hits.length) wrap.append(el("p", { textContent: label("no_quotes") + " " }, [searchLink]));
      } catch (err) {
        clearTimeout(timer);
        if (controller !== this.controller) return;
        this.dataset.state = "fallback";
        if (this.children.length) return; // the host's fallback stays in place
        root.append(el("p", { className: "fallback" }, [searchLink]));
      }
    }
  }

  if (!customElements.get("onrecord-quotes")) customElements.define("onrecord-quotes", OnRecordQuotes);
})();
