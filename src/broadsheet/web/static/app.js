// Broadsheet's pages: live alerts over SSE, the sentence behind each highlight.
// No inline script anywhere: the Content-Security-Policy allows only this file.
"use strict";

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;  // outside text is always text
  return node;
}

function toast(node) {
  const live = document.getElementById("live");
  if (!live) return;
  live.appendChild(node);
  setTimeout(() => node.remove(), 15000);
}

function bumpUnread() {
  const badge = document.getElementById("unread");
  if (!badge) return;
  const n = (parseInt(badge.textContent, 10) || 0) + 1;
  badge.textContent = String(n);
  badge.hidden = false;
}

function onAlert(data) {
  const box = el("div", "toast alert-toast");
  box.appendChild(el("strong", "", data.name + ": "));
  const link = el("a", "", data.headline || "(no headline)");
  link.href = "/articles/" + encodeURIComponent(data.article_id);
  box.appendChild(link);
  toast(box);
  bumpUnread();
  const inbox = document.getElementById("inbox");
  if (inbox && !inbox.querySelector('[data-item="' + Number(data.item_id) + '"]')) {
    const row = el("li", "unread fresh");
    row.dataset.item = String(data.item_id);
    row.appendChild(el("span", "tag", data.name));
    row.appendChild(document.createTextNode(" "));
    const a = el("a", "", data.headline || "(no headline)");
    a.href = "/articles/" + encodeURIComponent(data.article_id);
    row.appendChild(a);
    inbox.prepend(row);
    const empty = document.getElementById("empty-inbox");
    if (empty) empty.remove();
  }
}

function startLive() {
  if (!document.body.dataset.live || !window.EventSource) return;
  const source = new EventSource("/api/v1/stream");
  source.addEventListener("alert.fired", (e) => onAlert(JSON.parse(e.data)));
  source.addEventListener("article.stored", () => {
    const note = document.getElementById("new-stories");
    if (note) note.hidden = false;
  });
  document.body.dataset.stream = "open";
  source.addEventListener("open", () => { document.body.dataset.stream = "connected"; });
}

function startHighlights() {
  const panel = document.getElementById("sentence");
  if (!panel) return;
  document.querySelectorAll("a.hl").forEach((mark) => {
    mark.addEventListener("click", (e) => {
      const target = document.getElementById(mark.getAttribute("href").slice(1));
      if (!target) return;
      e.preventDefault();
      panel.replaceChildren(target.cloneNode(true));
      panel.firstChild.removeAttribute("id");
      panel.hidden = false;
    });
  });
}

document.addEventListener("DOMContentLoaded", () => {
  startLive();
  startHighlights();
});
