// The /ai-demo/ page: send on Enter, stream the answer from /api/chat/stream (SSE over
// fetch, since EventSource cannot POST), or queue it and let htmx poll.
// Model output is only ever inserted as HTML the server has rendered and sanitised;
// user text and plain deltas go in as text nodes.
(() => {
  "use strict";

  const form = document.getElementById("chat-form");
  if (!form) return;
  const textarea = form.querySelector("textarea[name=message]");
  const button = form.querySelector("button[type=submit]");
  const conversationInput = form.querySelector("input[name=conversation_id]");
  const csrfToken = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const list = document.getElementById("chat-messages");
  const scroller = document.getElementById("chat-scroll");
  const alertSlot = document.getElementById("chat-alert");
  const modelBadge = document.getElementById("chat-model");

  const scrollDown = () => {
    scroller.scrollTop = scroller.scrollHeight;
  };
  scrollDown();

  const mode = () => form.closest("main").querySelector("input[name=chat-mode]:checked").value;

  const el = (tag, className, text) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  };

  const showAlert = (text) => {
    const box = el("div", "alert alert-error");
    box.setAttribute("role", "alert");
    box.append(el("span", "", text));
    alertSlot.replaceChildren(box);
  };

  // The HTML comes from the server's markdown renderer + nh3 allow-list; parsing it with
  // DOMParser keeps any script inert even if the sanitiser ever let one through.
  const setSanitisedHtml = (node, html) => {
    const doc = new DOMParser().parseFromString(html, "text/html");
    node.replaceChildren(...doc.body.childNodes);
  };

  const addBubble = (role) => {
    document.getElementById("chat-empty")?.remove();
    const wrap = el("div", role === "user" ? "chat chat-end" : "chat chat-start");
    wrap.dataset.role = role;
    const bubble = el(
      "div",
      role === "user" ? "chat-bubble chat-bubble-primary whitespace-pre-wrap" : "chat-bubble prose-chat",
    );
    wrap.append(bubble);
    list.append(wrap);
    scrollDown();
    return bubble;
  };

  // A new conversation joins the sidebar at once, so it can be reopened later.
  const addToSidebar = (id, title) => {
    let menu = document.getElementById("chat-conversations");
    if (!menu) {
      menu = el("ul", "menu menu-sm w-full p-0");
      menu.id = "chat-conversations";
      const hint = document.querySelector("aside p");
      if (hint) hint.replaceWith(menu);
      else return;
    }
    const link = el("a", "menu-active");
    link.href = `?c=${id}`;
    link.append(el("span", "truncate", title.slice(0, 80)));
    menu.querySelectorAll(".menu-active").forEach((node) => node.classList.remove("menu-active"));
    const item = el("li");
    item.append(link);
    menu.prepend(item);
  };

  const setConversation = (id, title) => {
    if (!id || conversationInput.value === String(id)) return;
    if (!conversationInput.value && title) addToSidebar(id, title);
    conversationInput.value = id;
    const url = new URL(window.location.href);
    url.searchParams.set("c", id);
    window.history.replaceState(null, "", url);
  };

  const showError = (bubble, detail) => {
    bubble.className = "chat-bubble chat-bubble-error";
    bubble.setAttribute("role", "alert");
    bubble.textContent = detail;
  };

  const parseEvent = (block) => {
    let name = "message";
    const data = [];
    for (const line of block.split("\n")) {
      if (line.startsWith(":")) continue; // heartbeat
      if (line.startsWith("event:")) name = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
    }
    return { name, data: data.join("\n") };
  };

  async function sendStreamed(text) {
    addBubble("user").textContent = text;
    const bubble = addBubble("assistant");
    bubble.dataset.state = "waiting";
    bubble.append(el("span", "loading loading-dots loading-sm"));
    let pendingText = null; // deltas since the last server-rendered HTML, shown as text

    let response;
    try {
      response = await fetch("/api/chat/stream", {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          Accept: "text/event-stream",
          "X-CSRFToken": csrfToken,
        },
        body: JSON.stringify({
          message: text,
          conversation_id: conversationInput.value ? Number(conversationInput.value) : null,
        }),
      });
    } catch {
      showError(bubble, "The server could not be reached. Check your connection and try again.");
      return;
    }
    if (!response.ok) {
      let detail = `The request failed (HTTP ${response.status}).`;
      try {
        detail = (await response.json()).detail || detail;
      } catch {}
      showError(bubble, detail);
      return;
    }

    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    let finished = false;
    const handle = ({ name, data }) => {
      if (data === "[DONE]") {
        finished = true;
        return;
      }
      const payload = JSON.parse(data);
      if (name === "meta") {
        setConversation(payload.conversation_id, text);
        if (modelBadge) modelBadge.textContent = payload.model;
      } else if (name === "delta") {
        bubble.dataset.state = "streaming";
        if (payload.html !== undefined) {
          setSanitisedHtml(bubble, payload.html);
          pendingText = null;
        } else {
          if (!pendingText) {
            bubble.querySelector(".loading")?.remove();
            pendingText = document.createTextNode("");
            bubble.append(pendingText);
          }
          pendingText.appendData(payload.text);
        }
      } else if (name === "done") {
        setSanitisedHtml(bubble, payload.response);
        bubble.dataset.state = "done";
      } else if (name === "error") {
        showError(bubble, payload.detail);
        bubble.dataset.state = "error";
      }
      scrollDown();
    };
    try {
      while (!finished) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let cut;
        while ((cut = buffer.indexOf("\n\n")) !== -1) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          if (block.trim()) handle(parseEvent(block));
        }
      }
    } catch {
      showError(bubble, "The connection was lost before the answer finished.");
      return;
    }
    if (bubble.dataset.state === "waiting" || bubble.dataset.state === "streaming") {
      showError(bubble, "The connection was lost before the answer finished.");
    }
  }

  async function sendQueued(text) {
    const values = { message: text, conversation_id: conversationInput.value };
    document.getElementById("chat-empty")?.remove();
    await htmx.ajax("POST", "/ai-demo/queued/", {
      target: "#chat-messages",
      swap: "beforeend",
      values,
      headers: { "X-CSRFToken": csrfToken },
    });
    const turns = list.querySelectorAll("[data-conversation-id]");
    if (turns.length) setConversation(turns[turns.length - 1].dataset.conversationId, text);
    scrollDown();
  }

  // Queued answers arrive when htmx swaps the polled bubble: keep them in view.
  document.body.addEventListener("htmx:afterSwap", scrollDown);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = textarea.value.trim();
    if (!text || button.disabled) return;
    alertSlot.replaceChildren();
    textarea.value = "";
    button.disabled = true;
    try {
      if (mode() === "queued") await sendQueued(text);
      else await sendStreamed(text);
    } finally {
      button.disabled = false;
      textarea.focus();
    }
  });

  textarea.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  // A refused queued message (limits, length) comes back as a 4xx alert partial, which
  // htmx does not swap: show its text.
  document.body.addEventListener("htmx:responseError", (event) => {
    const doc = new DOMParser().parseFromString(event.detail.xhr.responseText, "text/html");
    showAlert(doc.body.textContent.trim() || "The request failed.");
  });
})();
