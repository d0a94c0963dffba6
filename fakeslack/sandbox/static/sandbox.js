/* The Slack sandbox. Reads the workspace as one person sees it (GET /sandbox/api/state, a long
 * poll) and acts through fakeslack's control API (POST /_fakeslack/act), so the app receives the
 * same signed deliveries it would get from Slack. No framework, no build step. */
"use strict";

const EMOJI = {
  white_check_mark: "✅", heavy_check_mark: "✔️", question: "❓", pushpin: "📌", "+1": "👍",
  thumbsup: "👍", eyes: "👀", fire: "🔥", tada: "🎉", rotating_light: "🚨", warning: "⚠️",
  red_circle: "🔴", large_orange_circle: "🟠", large_yellow_circle: "🟡", large_green_circle: "🟢",
  large_blue_circle: "🔵", white_circle: "⚪", black_circle: "⚫", memo: "📝", link: "🔗",
  hourglass: "⌛", stopwatch: "⏱️", bust_in_silhouette: "👤", busts_in_silhouette: "👥",
  mag: "🔍", construction: "🚧", boom: "💥", smile: "😄", slightly_smiling_face: "🙂",
  heart: "❤️", x: "❌", no_entry: "⛔", lock: "🔒", calendar: "📅", clock1: "🕐", bell: "🔔",
  speech_balloon: "💬", information_source: "ℹ️", sparkles: "✨", rocket: "🚀", wave: "👋",
  point_right: "👉", raised_hands: "🙌", pray: "🙏", bulb: "💡", zap: "⚡", ok_hand: "👌",
};
const QUICK_REACTIONS = ["white_check_mark", "eyes", "+1", "pushpin", "rotating_light", "fire", "tada"];
const AVATAR_COLOURS = ["#e8912d", "#2bac76", "#1264a3", "#9f4da4", "#e01e5a", "#36c5f0",
  "#4a154b", "#d5a021", "#0b8a7b", "#b13e3e", "#5b6ee1", "#7c5a2b"];

const app = {
  user: localStorage.getItem("sandbox.user") || "",
  channel: localStorage.getItem("sandbox.channel") || "",
  view: "channel",        // channel | home | browse
  thread: null,           // ts of the open thread
  pane: null,             // "thread" | "pins" | null
  state: null,
  etag: "",
  poll: null,             // AbortController of the long poll
  drafts: {},             // view id -> {block_id: {action_id: value}}
  rendered: {},           // region -> key of what it shows, to re-render only on change
  completion: null,
  editing: null,          // {ts, text}: the message being edited in place
  target: null,           // {channel, ts}: a linked message to show once its channel is drawn
  jumpToEnd: false,       // the person just sent a message: show the newest
};

const $ = (id) => document.getElementById(id);

// Icons for the sandbox's own chrome, drawn inline: no icon font, no emoji font needed.
const ICONS = {
  lock: "M6 10V8a6 6 0 1 1 12 0v2h1a1 1 0 0 1 1 1v10a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V11a1 1 0 0 1 1-1h1zm2 0h8V8a4 4 0 1 0-8 0v2z",
  person: "M12 12a5 5 0 1 0 0-10 5 5 0 0 0 0 10zm0 2c-5 0-9 2.5-9 5.5V22h18v-2.5C21 16.5 17 14 12 14z",
  pin: "M16 3l5 5-3 1-4 4 1 5-2 2-4-4-5 5-1-1 5-5-4-4 2-2 5 1 4-4 1-3z",
  reply: "M4 4h16a1 1 0 0 1 1 1v11a1 1 0 0 1-1 1H9l-5 4v-4H4a1 1 0 0 1-1-1V5a1 1 0 0 1 1-1z",
  smile: "M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 2a8 8 0 1 1 0 16 8 8 0 0 1 0-16zM8.5 9a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm7 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zM7 14c1 2 3 3 5 3s4-1 5-3H7z",
  more: "M12 5a2 2 0 1 0 0-4 2 2 0 0 0 0 4zm0 9a2 2 0 1 0 0-4 2 2 0 0 0 0 4zm0 9a2 2 0 1 0 0-4 2 2 0 0 0 0 4z",
  eye: "M12 5C6 5 2 12 2 12s4 7 10 7 10-7 10-7-4-7-10-7zm0 11a4 4 0 1 1 0-8 4 4 0 0 1 0 8z",
  bookmark: "M6 2h12a1 1 0 0 1 1 1v19l-7-5-7 5V3a1 1 0 0 1 1-1z",
  bolt: "M13 2L4 14h7l-1 8 9-12h-7l1-8z",
};

function icon(name, size = 14) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", size);
  svg.setAttribute("height", size);
  svg.setAttribute("class", "icon");
  svg.setAttribute("aria-hidden", "true");
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", ICONS[name]);
  path.setAttribute("fill", "currentColor");
  svg.append(path);
  return svg;
}

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "html") el.innerHTML = value;
    else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else el.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

function escapeHtml(text) {
  return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

// -- The workspace, as this person sees it --------------------------------------------------

const me = () => app.state && app.state.me;
const userById = (id) => (app.state.users.find((u) => u.id === id) || null);
const userByName = (name) => app.state.users.find((u) => u.name === name) || null;
const channelById = (id) => app.state.channels.find((c) => c.id === id) || null;

function displayName(userId) {
  const user = userById(userId);
  return user ? (user.is_bot ? user.name : user.real_name || user.name) : userId;
}

function avatar(userId) {
  const user = userById(userId);
  const name = user ? user.real_name || user.name : "?";
  let hash = 0;
  for (const ch of userId || "") hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  const colour = user && user.is_bot ? "#e01e5a" : AVATAR_COLOURS[hash % AVATAR_COLOURS.length];
  return h("div", { class: "avatar", style: `background:${colour}`, "aria-hidden": "true" },
    user && user.is_bot ? "⚡" : name[0].toUpperCase());
}

function channelLabel(channel) {
  if (channel.is_im) {
    const other = channel.members.find((m) => m !== me()) || me();
    return displayName(other);
  }
  return channel.name;
}

function topLevel(channel) {
  return channel.messages.filter((m) => !m.thread_ts || m.thread_ts === m.ts || m.subtype === "thread_broadcast");
}

function seenKey(channelId) { return `sandbox.seen.${me()}.${channelId}`; }

function unread(channel) {
  const seen = localStorage.getItem(seenKey(channel.id)) || "0";
  const fresh = topLevel(channel).filter((m) => m.ts > seen && m.user !== me());
  const mentions = fresh.filter((m) => (m.text || "").includes(`<@${me()}>`) || channel.is_im);
  return { count: fresh.length, mentions: mentions.length };
}

function markSeen(channel) {
  const last = channel.messages.length ? channel.messages[channel.messages.length - 1].ts : "0";
  localStorage.setItem(seenKey(channel.id), last);
}

// -- Talking to fakeslack -------------------------------------------------------------------

async function act(action, args) {
  const response = await fetch("/_fakeslack/act", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ user: me(), action, ...args }),
  });
  const body = await response.json();
  if (!body.ok) {
    const detail = body.detail || (body.response_metadata && body.response_metadata.messages) || "";
    toast(`${action.replace(/_/g, " ")} failed: ${body.error}${detail ? " — " + detail : ""}`, true);
    refresh();
    return null;
  }
  const result = body.result;
  if (result && typeof result === "object" && result.kind && result.ok === false
      && result.transport !== "none") {
    toast(`The app did not answer in time (${result.error || result.status}).`, true);
  }
  refresh();
  return result;
}

async function fetchState(wait, signal) {
  const query = new URLSearchParams({ user: app.user, since: wait ? app.etag : "", wait: String(wait) });
  const response = await fetch(`/sandbox/api/state?${query}`, { signal, cache: "no-store" });
  if (!response.ok) throw new Error(`state: ${response.status}`);
  return response.json();
}

async function refresh() {
  try {
    apply(await fetchState(0));
  } catch (error) {
    console.warn(error);
  }
}

async function pollForever() {
  for (;;) {
    const controller = new AbortController();
    app.poll = controller;
    try {
      const state = await fetchState(20, controller.signal);
      if (state.etag !== app.etag) apply(state);
    } catch (error) {
      if (controller.signal.aborted) continue;
      await new Promise((resolve) => setTimeout(resolve, 1500));
    }
  }
}

function apply(state) {
  if (state.me !== userIdFor(app.user, state)) return; // an answer for a previous "you are"
  const first = !app.state;
  app.state = state;
  app.etag = state.etag;
  if (!app.user) {
    app.user = userById(state.me).name;
    localStorage.setItem("sandbox.user", app.user);
  }
  const current = channelById(app.channel);
  if (!current || (!current.is_member && app.view !== "browse" && current.is_private)) {
    const general = state.channels.find((c) => c.is_general) || state.channels[0];
    app.channel = general.id;
  }
  render();
  if (first) {
    showHint();
    followLink();
  }
}

function userIdFor(name, state) {
  if (!name) return state.me;
  const user = state.users.find((u) => u.name === name || u.id === name);
  return user ? user.id : state.me;
}

// -- Rendering ------------------------------------------------------------------------------

function once(region, key, draw) {
  if (app.rendered[region] === key) return false;
  app.rendered[region] = key;
  draw();
  return true;
}

function render() {
  const state = app.state;
  document.title = `Slack sandbox · ${state.team.name}`;
  $("workspace-name").textContent = `${state.team.name} · Slack sandbox`;
  $("team-name").textContent = state.team.name;
  renderSwitcher();
  renderSidebar();
  if (app.view === "home") renderHome();
  else if (app.view === "browse") renderBrowse();
  else renderChannel();
  renderPane();
  renderModal();
}

function renderSwitcher() {
  const select = $("you-are");
  const people = app.state.users.filter((u) => !u.is_bot);
  once("switcher", people.map((u) => u.id).join() + me(), () => {
    select.replaceChildren(...people.map((u) => h("option", { value: u.name, selected: u.id === me() },
      `${u.real_name} (@${u.name})`)));
  });
}

function sideItem({ label, prefix, active, info, onclick, testid }) {
  return h("li", {},
    h("button", {
      type: "button",
      class: `side-item${active ? " active" : ""}${info && info.count ? " unread" : ""}`,
      onclick, "data-testid": testid,
    },
    h("span", { class: "prefix" }, prefix),
    h("span", { class: "name" }, label),
    info && info.mentions ? h("span", { class: "badge" }, info.mentions) : null));
}

function renderSidebar() {
  const state = app.state;
  const joined = state.channels.filter((c) => c.is_member && !c.is_im && !c.is_mpim && !c.is_archived)
    .sort((a, b) => a.name.localeCompare(b.name));
  const dms = state.channels.filter((c) => (c.is_im || c.is_mpim) && c.messages.length);
  const key = JSON.stringify([app.view, app.channel, joined.map((c) => [c.id, c.name, unread(c)]),
    dms.map((c) => [c.id, unread(c)])]);
  once("sidebar", key, () => {
    $("channel-list").replaceChildren(...joined.map((c) => sideItem({
      label: c.name, prefix: c.is_private ? icon("lock", 12) : "#", testid: `channel-${c.name}`,
      active: app.view === "channel" && c.id === app.channel,
      info: c.id === app.channel && app.view === "channel" ? null : unread(c),
      onclick: () => openChannel(c.id),
    })));
    $("dm-list").replaceChildren(...dms.map((c) => sideItem({
      label: channelLabel(c), prefix: "●", testid: `dm-${channelLabel(c)}`,
      active: app.view === "channel" && c.id === app.channel,
      info: c.id === app.channel && app.view === "channel" ? null : unread(c),
      onclick: () => openChannel(c.id),
    })));
    const appName = (state.app.display_information || {}).name || displayName(state.bot.user_id);
    $("app-list").replaceChildren(sideItem({
      label: appName, prefix: icon("bolt", 13), testid: "app-home", active: app.view === "home",
      onclick: openHome,
    }));
  });
}

function openChannel(id) {
  app.view = "channel";
  app.channel = id;
  app.thread = null;
  if (app.pane === "thread") app.pane = null;
  localStorage.setItem("sandbox.channel", id);
  app.rendered = {};
  render();
  $("composer-input").focus();
}

function openHome() {
  app.view = "home";
  app.pane = null;
  app.rendered = {};
  act("open_app_home", { tab: "home" });
  render();
}

function renderChannel() {
  const channel = channelById(app.channel);
  $("composer-wrap").hidden = false;
  const pins = channel.pins.length;
  once("header", JSON.stringify([channel.id, channel.name, channel.topic, channel.purpose, pins,
    channel.members.length, channel.bookmarks, channel.is_member]), () => {
    const header = $("channel-header");
    const prefix = channel.is_im ? "" : channel.is_private ? icon("lock", 15) : "# ";
    header.replaceChildren(
      h("h1", { "data-testid": "channel-title" }, prefix, channelLabel(channel)),
      h("div", { class: "topic", title: channel.topic || channel.purpose },
        mrkdwnNode(channel.topic || channel.purpose || "")),
      channel.is_im ? null : h("button", {
        class: "header-button", type: "button", title: "Members", "data-testid": "members-button",
        onclick: () => { app.pane = app.pane === "members" ? null : "members"; app.rendered.pane = null; render(); },
      }, icon("person", 12), ` ${channel.members.length}`),
      h("button", {
        class: "header-button", type: "button", "data-testid": "pins-button",
        onclick: () => { app.pane = app.pane === "pins" ? null : "pins"; app.rendered.pane = null; render(); },
      }, icon("pin", 12), ` ${pins} pinned`),
    );
    const marks = $("main").querySelector(".bookmarks");
    if (marks) marks.remove();
    if (channel.bookmarks.length) {
      header.after(h("div", { class: "bookmarks" }, channel.bookmarks.map((b) =>
        h("a", { href: b.link, target: "_blank", rel: "noopener" }, icon("bookmark", 11), ` ${b.title}`))));
    }
  });
  const ephemeral = app.state.ephemeral.filter((e) => e.channel === channel.id && !e.thread_ts);
  const shown = topLevel(channel);
  // A menu open on a message (more actions, reactions, an overflow) belongs to the node drawn
  // now: redrawing would take it away under the pointer, so the list waits until it closes.
  const menuOpen = $("messages").querySelector(".menu") !== null;
  const drew = !menuOpen && once("messages", JSON.stringify([channel.id, shown, ephemeral,
    channel.pinned, channel.messages.length, me()]), () => {
    const list = $("messages");
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
    // Slack shows "Alice pinned a message to this channel." where it happened.
    const pinNotices = (channel.pinned || []).map((p) => ({ m: { ts: p.at }, pin: p }));
    const items = [...shown.map((m) => ({ m, ephemeral: false })),
      ...ephemeral.map((m) => ({ m, ephemeral: true })), ...pinNotices]
      .sort((a, b) => a.m.ts.localeCompare(b.m.ts));
    const nodes = items.map(({ m, ephemeral: eph, pin }) => (pin ? pinNotice(pin)
      : messageNode(m, channel, { ephemeral: eph })));
    if (!nodes.length) {
      nodes.push(h("div", { class: "empty-channel" },
        h("h2", {}, channel.is_im ? channelLabel(channel) : `#${channel.name}`),
        channel.purpose || "This is the very beginning of the channel."));
    }
    list.replaceChildren(...nodes);
    if (app.target && app.target.channel === channel.id && app.target.ts) {
      showMessage(app.target.ts);  // a link to a message: there, once
      app.target = null;
    } else if (atBottom || app.jumpToEnd || app.rendered.scrolledFor !== channel.id) {
      list.scrollTop = list.scrollHeight;  // and after sending: the newest, as in Slack
      app.jumpToEnd = false;
    }
    app.rendered.scrolledFor = channel.id;
  });
  if (drew) markSeen(channel);
  once("composer", JSON.stringify([channel.id, channel.is_member, channel.is_archived]), () => {
    const wrap = $("composer-wrap");
    const existing = wrap.querySelector(".join-bar");
    if (existing) existing.remove();
    const form = $("composer");
    form.hidden = !channel.is_member || channel.is_archived;
    wrap.querySelector(".composer-tip").hidden = form.hidden;
    $("composer-input").placeholder = `Message ${channel.is_im ? channelLabel(channel) : "#" + channel.name}`;
    if (channel.is_archived) {
      wrap.append(h("div", { class: "join-bar" }, "This channel has been archived."));
    } else if (!channel.is_member) {
      wrap.append(h("div", { class: "join-bar" }, `You are viewing #${channel.name}. `,
        h("button", { class: "btn primary", type: "button", onclick: () => act("join", { channel: channel.id }) },
          "Join channel")));
    }
  });
}

function pinNotice(pin) {
  return h("div", { class: "msg system", "data-testid": "pin-notice",
    onclick: () => showMessage(pin.ts) },
  icon("pin", 11), ` ${displayName(pin.by)} pinned a message to this channel.`);
}

function showMessage(ts) {
  const node = $("messages").querySelector(`[data-ts="${CSS.escape(ts)}"]`);
  if (!node) return;
  node.scrollIntoView({ block: "center" });
  node.classList.add("highlight");
  setTimeout(() => node.classList.remove("highlight"), 2500);
}

// A Slack link (/archives/C…/p…) lands here as "#C…" or "#C…/<ts>": open that channel there.
function followLink() {
  const [channel, ts] = decodeURIComponent(location.hash.slice(1)).split("/");
  if (!channel || !app.state || !channelById(channel)) return;
  history.replaceState(null, "", location.pathname);
  app.target = { channel, ts: ts || null };
  openChannel(channel);
}

function renderBrowse() {
  $("composer-wrap").hidden = true;
  const channels = app.state.channels.filter((c) => !c.is_im && !c.is_mpim)
    .sort((a, b) => a.name.localeCompare(b.name));
  once("header", "browse", () => {
    $("channel-header").replaceChildren(h("h1", {}, "All channels"));
    const marks = $("main").querySelector(".bookmarks");
    if (marks) marks.remove();
  });
  once("messages", JSON.stringify(["browse", channels.map((c) => [c.id, c.name, c.is_member, c.purpose])]), () => {
    $("messages").replaceChildren(h("div", { class: "browse" }, h("ul", {}, channels.map((c) =>
      h("li", {},
        h("a", { href: "#", onclick: (e) => { e.preventDefault(); openChannel(c.id); } },
          c.is_private ? icon("lock", 12) : "# ", c.name),
        h("span", { class: "desc" }, `${c.members.length} members${c.purpose ? " · " + c.purpose : ""}`),
        c.is_member ? h("span", { class: "state" }, "Joined")
          : h("button", { class: "btn", type: "button", onclick: async () => {
            await act("join", { channel: c.id }); openChannel(c.id);
          } }, "Join"))))));
  });
}

function renderHome() {
  $("composer-wrap").hidden = true;
  const home = app.state.home;
  once("header", "home", () => {
    $("channel-header").replaceChildren(h("h1", {}, icon("bolt", 16), ` ${displayName(app.state.bot.user_id)}`));
    const marks = $("main").querySelector(".bookmarks");
    if (marks) marks.remove();
  });
  once("messages", JSON.stringify(["home", home]), () => {
    const body = home
      ? h("div", { class: "blocks" }, renderBlocks(home.blocks, { view: home }))
      : h("div", { class: "empty-channel" }, "The app has not published a Home tab yet.");
    $("messages").replaceChildren(h("div", { class: "home-tabs" }, h("span", {}, "Home")),
      h("div", { class: "home", "data-testid": "app-home-view" }, body));
  });
}

function renderPane() {
  const pane = $("pane");
  const channel = channelById(app.channel);
  if (!app.pane || app.view !== "channel" || !channel) {
    pane.hidden = true;
    app.rendered.pane = null;
    return;
  }
  pane.hidden = false;
  if (app.pane === "members") {
    once("pane", JSON.stringify(["members", channel.id, channel.members]), () => {
      pane.replaceChildren(paneHeader("Members", `#${channel.name}`),
        h("div", { class: "messages member-list" }, channel.members.map((id) => {
          const user = userById(id) || { name: id, real_name: id };
          return h("div", { class: "msg" }, avatar(id), h("div", { class: "msg-body" },
            h("div", { class: "msg-author" }, user.is_bot ? user.name : user.real_name,
              user.is_bot ? h("span", { class: "app-badge" }, "APP") : null),
            h("div", { class: "msg-time" }, `@${user.name}${user.title ? " · " + user.title : ""}`)));
        })));
    });
    return;
  }
  if (app.pane === "pins") {
    const pinned = channel.pins.map((ts) => channel.messages.find((m) => m.ts === ts)).filter(Boolean);
    once("pane", JSON.stringify(["pins", channel.id, pinned]), () => {
      pane.replaceChildren(paneHeader("Pinned", `#${channel.name}`),
        h("div", { class: "messages" }, pinned.length
          ? pinned.map((m) => messageNode(m, channel, { inPane: true }))
          : h("div", { class: "empty-channel" }, "Nothing pinned yet: pin a message with the pin button that appears when you point at it.")));
    });
    return;
  }
  const replies = channel.messages.filter((m) => m.ts === app.thread || m.thread_ts === app.thread);
  const ephemeral = app.state.ephemeral.filter((e) => e.channel === channel.id && e.thread_ts === app.thread);
  once("pane", JSON.stringify(["thread", channel.id, app.thread, replies, ephemeral, channel.pins]), () => {
    const [parent, ...rest] = replies;
    const list = h("div", { class: "messages" },
      parent ? messageNode(parent, channel, { inPane: true }) : null,
      rest.length ? h("div", { class: "reply-count" }, `${rest.length} ${rest.length === 1 ? "reply" : "replies"}`) : null,
      [...rest.map((m) => ({ m, e: false })), ...ephemeral.map((m) => ({ m, e: true }))]
        .sort((a, b) => a.m.ts.localeCompare(b.m.ts))
        .map(({ m, e }) => messageNode(m, channel, { inPane: true, ephemeral: e })));
    const existing = pane.querySelector("textarea");
    const draft = existing ? existing.value : "";
    const input = h("textarea", { rows: "1", placeholder: "Reply…", "aria-label": "Reply in thread" });
    input.value = draft;
    const form = h("form", { class: "composer", onsubmit: (e) => { e.preventDefault(); send(input, app.thread); } },
      input, h("button", { type: "submit", class: "send", title: "Send" }, "➤"));
    wireComposer(input, form, app.thread);
    pane.replaceChildren(paneHeader("Thread", `#${channel.name}`), list,
      h("div", { class: "composer-wrap" }, h("div", { class: "completion", hidden: true }), form));
    list.scrollTop = list.scrollHeight;
  });
}

function paneHeader(title, sub) {
  return h("div", { class: "pane-header" },
    h("h2", {}, title, h("span", { class: "sub" }, sub)),
    h("button", { class: "close-x", type: "button", title: `Close ${title.toLowerCase()}`, onclick: () => {
      app.pane = null; app.thread = null; render();
    } }, "×"));
}

function formatTime(ts) {
  const date = new Date(parseFloat(ts) * 1000);
  return date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

function messageNode(message, channel, { ephemeral = false, inPane = false } = {}) {
  const userId = message.user || (message.bot_id ? app.state.bot.user_id : "");
  const isBot = !!message.bot_id || (userById(userId) || {}).is_bot;
  const pinned = channel.pins.includes(message.ts) && !ephemeral;
  const node = h("div", {
    class: `msg${pinned ? " pinned" : ""}${ephemeral ? " ephemeral" : ""}`,
    "data-ts": message.ts, "data-testid": "message",
  });
  const body = h("div", { class: "msg-body" });
  if (pinned) body.append(h("div", { class: "msg-label pin" }, icon("pin", 11), " Pinned"));
  if (ephemeral) body.append(h("div", { class: "msg-label" }, icon("eye", 12), " Only visible to you"));
  body.append(h("div", { class: "msg-meta" },
    h("span", { class: "msg-author" }, message.username || displayName(userId)),
    isBot ? h("span", { class: "app-badge" }, "APP") : null,
    h("span", { class: "msg-time", title: message.ts }, formatTime(message.ts))));
  const context = { channel, message, ephemeral };
  if (app.editing && app.editing.ts === message.ts && !ephemeral) {
    body.append(editor(message, channel));
  } else if (message.blocks && message.blocks.length) {
    body.append(h("div", { class: "blocks" }, renderBlocks(message.blocks, context)));
  } else {
    body.append(h("div", { class: "msg-text" }, mrkdwnNode(message.text || "")));
  }
  if (message.edited && !isBot) body.append(h("span", { class: "edited" }, "(edited)"));
  if (message.reactions && message.reactions.length) {
    body.append(h("div", { class: "reactions" }, message.reactions.map((r) => {
      const mine = r.users.includes(me());
      return h("button", {
        type: "button", class: `reaction${mine ? " mine" : ""}`, title: `:${r.name}:`,
        onclick: () => act(mine ? "unreact" : "react", { channel: channel.id, ts: message.ts, name: r.name }),
      }, `${EMOJI[r.name] || ":" + r.name + ":"} ${r.count}`);
    })));
  }
  if (!inPane && message.reply_count && message.thread_ts === message.ts) {
    body.append(h("button", { class: "thread-link", type: "button", onclick: () => openThread(message.ts) },
      icon("reply", 13), `${message.reply_count} ${message.reply_count === 1 ? "reply" : "replies"}`));
  }
  node.append(avatar(userId), body);
  if (!ephemeral) node.append(messageTools(message, channel, inPane));
  return node;
}

function editor(message, channel) {
  const input = h("textarea", { class: "el-input edit-box", rows: "2", "aria-label": "Edit message" });
  input.value = app.editing.text;
  input.addEventListener("input", () => { app.editing.text = input.value; });
  const stop = () => { app.editing = null; app.rendered = {}; render(); };
  const save = async () => {
    const text = input.value.trim();
    stop();
    if (text && text !== unescapeSlack(message.text || "")) {
      await act("edit_message", { channel: channel.id, ts: message.ts, text });
    }
  };
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); save(); }
    if (e.key === "Escape") { e.stopPropagation(); stop(); }
  });
  setTimeout(() => input.focus(), 0);
  return h("div", { class: "edit" }, input, h("div", { class: "edit-actions" },
    h("button", { type: "button", class: "btn", onclick: stop }, "Cancel"),
    h("button", { type: "button", class: "btn primary", onclick: save }, "Save")));
}

function plainText(text) {
  // What the person typed: mentions and channel links back to @name and #name.
  return unescapeSlack(String(text)
    .replace(/<@([A-Z0-9]+)(\|[^>]*)?>/g, (_, id) => "@" + ((userById(id) || {}).name || id))
    .replace(/<#[A-Z0-9]+\|([^>]*)>/g, "#$1")
    .replace(/<!(here|channel|everyone)>/g, "@$1"));
}

function openThread(ts) {
  app.pane = "thread";
  app.thread = ts;
  app.rendered.pane = null;
  render();
  const input = $("pane").querySelector("textarea");
  if (input) input.focus();
}

function messageTools(message, channel, inPane) {
  const pinned = channel.pins.includes(message.ts);
  const tools = h("div", { class: "msg-tools" });
  const closeMenus = () => document.querySelectorAll(".menu").forEach((m) => m.remove());
  tools.append(
    h("button", { type: "button", title: "Add reaction", "aria-label": "Add reaction", onclick: (e) => {
      e.stopPropagation(); closeMenus();
      tools.parentNode.append(h("div", { class: "menu emoji-menu" }, QUICK_REACTIONS.map((name) =>
        h("button", { type: "button", title: `:${name}:`, onclick: () => {
          closeMenus(); act("react", { channel: channel.id, ts: message.ts, name });
        } }, EMOJI[name]))));
    } }, icon("smile", 16)),
    inPane ? null : h("button", { type: "button", title: "Reply in thread", "aria-label": "Reply in thread",
      onclick: () => openThread(message.thread_ts || message.ts) }, icon("reply", 16)),
    h("button", { type: "button", title: pinned ? "Unpin" : "Pin to channel",
      "aria-label": pinned ? "Unpin" : "Pin to channel",
      onclick: () => act(pinned ? "unpin" : "pin", { channel: channel.id, ts: message.ts }) }, icon("pin", 16)),
    h("button", { type: "button", title: "More actions", "aria-label": "More actions", onclick: (e) => {
      e.stopPropagation(); closeMenus();
      const shortcuts = ((app.state.app.features || {}).shortcuts || []).filter((s) => s.type === "message");
      const appName = (app.state.app.display_information || {}).name || "App";
      tools.parentNode.append(h("div", { class: "menu" },
        h("button", { type: "button", onclick: () => { closeMenus(); act(pinned ? "unpin" : "pin", { channel: channel.id, ts: message.ts }); } },
          pinned ? "Unpin from channel" : "Pin to channel"),
        message.user === me() && !(message.blocks || []).length ? h("button", { type: "button", onclick: () => {
          closeMenus();
          app.editing = { ts: message.ts, text: plainText(message.text || "") };
          app.rendered = {};
          render();
        } }, "Edit message") : null,
        message.user === me() ? h("button", { type: "button", onclick: () => {
          closeMenus(); act("delete_message", { channel: channel.id, ts: message.ts });
        } }, "Delete message") : null,
        shortcuts.length ? h("div", { class: "menu-heading" }, appName) : null,
        shortcuts.map((s) => h("button", { type: "button", onclick: () => {
          closeMenus(); act("message_shortcut", { callback_id: s.callback_id, channel: channel.id, ts: message.ts });
        } }, s.name))));
    } }, icon("more", 16)),
  );
  return tools;
}

document.addEventListener("click", (e) => {
  if (e.target.closest(".menu")) return;
  const menus = document.querySelectorAll(".menu");
  menus.forEach((m) => m.remove());
  if (menus.length) render();  // what arrived while a menu was open
});

// -- mrkdwn ---------------------------------------------------------------------------------

function mrkdwnNode(text, plain = false) {
  return h("span", { html: plain ? escapeHtml(text).replace(/\n/g, "<br>") : mrkdwn(text) });
}

function renderLink(inner) {
  const [target, label] = inner.split("|", 2);
  if (target.startsWith("@")) {
    const id = target.slice(1);
    const cls = id === me() ? "mention me" : "mention";
    return `<span class="${cls}">@${escapeHtml(label || (userById(id) || {}).name || id)}</span>`;
  }
  if (target.startsWith("#")) {
    const channel = channelById(target.slice(1));
    const name = label || (channel ? channel.name : target.slice(1));
    return `<a href="#" class="mention" data-channel="${escapeHtml(target.slice(1))}">#${escapeHtml(name)}</a>`;
  }
  if (target.startsWith("!subteam^")) {
    const group = app.state.usergroups.find((g) => g.id === target.slice(9));
    return `<span class="mention">@${escapeHtml(label || (group ? group.handle : "group"))}</span>`;
  }
  if (target.startsWith("!date^")) {
    const [, seconds] = target.split("^");
    const date = new Date(parseInt(seconds, 10) * 1000);
    return escapeHtml(date.toLocaleString([], { dateStyle: "medium", timeStyle: "short" }));
  }
  if (target.startsWith("!")) return `<span class="mention">@${escapeHtml(target.slice(1))}</span>`;
  const href = target.replace(/&amp;/g, "&");
  const safe = /^(https?:|mailto:)/.test(href) ? href : "#";
  return `<a href="${escapeHtml(safe)}" target="_blank" rel="noopener">${escapeHtml(label || href)}</a>`;
}

function inline(text) {
  // Slack escapes &, < and > in text; undo that first, then escape for HTML ourselves.
  const tokens = [];
  const stash = (html) => { tokens.push(html); return `\u0000${tokens.length - 1}\u0000`; };
  let out = text.replace(/`([^`\n]+)`/g, (_, code) => stash(`<code>${escapeHtml(unescapeSlack(code))}</code>`));
  out = out.replace(/<([^<>\n]+)>/g, (_, inner) => stash(renderLink(inner)));
  out = escapeHtml(unescapeSlack(out));
  out = out.replace(/(^|[\s(>])\*([^*\n]+)\*(?=$|[\s).,!?:;<])/g, "$1<b>$2</b>");
  out = out.replace(/(^|[\s(>])_([^_\n]+)_(?=$|[\s).,!?:;<])/g, "$1<i>$2</i>");
  out = out.replace(/(^|[\s(>])~([^~\n]+)~(?=$|[\s).,!?:;<])/g, "$1<s>$2</s>");
  out = out.replace(/:([a-z0-9_+-]+):/g, (whole, name) => EMOJI[name] || whole);
  return out.replace(/\u0000(\d+)\u0000/g, (_, i) => tokens[Number(i)]);
}

function unescapeSlack(text) {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

function mrkdwn(text) {
  const parts = String(text).split("```");
  return parts.map((part, i) => {
    if (i % 2 === 1) return `<pre>${escapeHtml(unescapeSlack(part.replace(/^\n/, "")))}</pre>`;
    const lines = part.split("\n");
    const html = [];
    let quote = [];
    const flush = () => { if (quote.length) { html.push(`<blockquote>${quote.join("<br>")}</blockquote>`); quote = []; } };
    for (const line of lines) {
      const m = line.match(/^(?:&gt;|>)\s?(.*)$/);
      if (m) { quote.push(inline(m[1])); continue; }
      flush();
      html.push(inline(line));
    }
    flush();
    return html.join("<br>").replace(/<\/blockquote><br>/g, "</blockquote>");
  }).join("");
}

document.addEventListener("click", (e) => {
  const link = e.target.closest("a[data-channel]");
  if (!link) return;
  e.preventDefault();
  const channel = channelById(link.dataset.channel);
  if (channel) openChannel(channel.id);
  else toast("That channel is private or gone.", true);
});

function textNode(obj) {
  if (!obj) return null;
  if (typeof obj === "string") return mrkdwnNode(obj);
  return obj.type === "mrkdwn" ? mrkdwnNode(obj.text || "") : mrkdwnNode(emojify(obj.text || ""), true);
}

function emojify(text) { return text.replace(/:([a-z0-9_+-]+):/g, (w, n) => EMOJI[n] || w); }
const plain = (obj) => (obj ? emojify(obj.text || "") : "");

// -- Block Kit ------------------------------------------------------------------------------

function renderBlocks(blocks, context) {
  return blocks.map((block) => renderBlock(block, context)).filter(Boolean);
}

function renderBlock(block, context) {
  switch (block.type) {
    case "header":
      return h("div", { class: "b-header" }, plain(block.text));
    case "divider":
      return h("hr", { class: "b-divider" });
    case "context":
      return h("div", { class: "b-context" }, (block.elements || []).map((el) =>
        el.type === "image" ? h("img", { src: el.image_url, alt: el.alt_text || "" }) : textNode(el)));
    case "image":
      return h("div", { class: "b-image" },
        block.title ? h("div", { class: "title" }, plain(block.title)) : null,
        h("img", { src: block.image_url, alt: block.alt_text || "", title: block.alt_text || "" }));
    case "actions":
      return h("div", { class: "b-actions" }, (block.elements || []).map((el) => element(el, block, context)));
    case "section":
      return h("div", { class: "b-section" },
        h("div", { class: "b-section-main" },
          block.text ? h("div", {}, textNode(block.text)) : null,
          block.fields ? h("div", { class: "b-fields" }, block.fields.map((f) => h("div", {}, textNode(f)))) : null),
        block.accessory ? element(block.accessory, block, context, true) : null);
    case "input":
      return inputBlock(block, context);
    case "rich_text":
      return richText(block);
    case "markdown":
      return h("div", {}, mrkdwnNode(block.text || ""));
    default:
      return h("div", { class: "b-context" }, `[${block.type} block]`);
  }
}

function richText(block) {
  const inlineEl = (el) => {
    if (el.type === "text") {
      let node = h("span", {}, el.text);
      const s = el.style || {};
      if (s.bold) node = h("b", {}, node);
      if (s.italic) node = h("i", {}, node);
      if (s.strike) node = h("s", {}, node);
      if (s.code) node = h("code", {}, node);
      return node;
    }
    if (el.type === "link") return h("a", { href: el.url, target: "_blank", rel: "noopener" }, el.text || el.url);
    if (el.type === "user") return h("span", { class: "mention" }, "@" + ((userById(el.user_id) || {}).name || el.user_id));
    if (el.type === "channel") return h("span", { class: "mention" }, "#" + ((channelById(el.channel_id) || {}).name || el.channel_id));
    if (el.type === "emoji") return EMOJI[el.name] || `:${el.name}:`;
    return "";
  };
  return h("div", {}, (block.elements || []).map((section) => {
    const children = (section.elements || []).map((el) => (el.type && el.type.startsWith("rich_text_") ? null : inlineEl(el)));
    if (section.type === "rich_text_list") {
      const tag = section.style === "ordered" ? "ol" : "ul";
      return h(tag, { class: "rich-text-list" }, (section.elements || []).map((item) =>
        h("li", {}, (item.elements || []).map(inlineEl))));
    }
    if (section.type === "rich_text_preformatted") return h("pre", {}, children);
    if (section.type === "rich_text_quote") return h("blockquote", {}, children);
    return h("div", {}, children);
  }));
}

// An element outside input blocks: choosing or clicking it delivers block_actions right away.
function element(el, block, context, accessory = false) {
  const trigger = (value) => interact(el, context, value);
  const users = () => app.state.users.filter((u) => !u.is_bot);
  switch (el.type) {
    case "button":
      return h("button", {
        type: "button", class: `btn${el.style ? " " + el.style : ""}`, "data-action-id": el.action_id,
        onclick: () => (el.confirm ? confirmDialog(el.confirm, el.style).then((ok) => ok && trigger(null)) : trigger(null)),
      }, plain(el.text));
    case "image":
      return accessory ? h("img", { class: "accessory-image", src: el.image_url, alt: el.alt_text || "" }) : null;
    case "overflow":
      return overflowMenu(el, trigger);
    case "static_select":
    case "external_select":
      return selectEl(el, optionsOf(el), el.initial_option && el.initial_option.value, trigger);
    case "users_select":
      return selectEl(el, users().map((u) => ({ value: u.id, label: `${u.real_name} (@${u.name})` })),
        el.initial_user, trigger, "Select a person");
    case "conversations_select":
    case "channels_select":
      return selectEl(el, app.state.channels.filter((c) => !c.is_im).map((c) => ({ value: c.id, label: "#" + c.name })),
        el.initial_conversation || el.initial_channel, trigger, "Select a channel");
    case "datepicker":
      return h("input", { type: "date", class: "el-input", value: el.initial_date || "",
        "data-action-id": el.action_id, onchange: (e) => trigger(e.target.value) });
    case "timepicker":
      return h("input", { type: "time", class: "el-input", value: el.initial_time || "",
        "data-action-id": el.action_id, onchange: (e) => trigger(e.target.value) });
    case "checkboxes":
    case "radio_buttons":
      return choices(el, null, (value) => trigger(value));
    default:
      return h("span", { class: "b-context" }, `[${el.type}]`);
  }
}

function optionsOf(el) {
  const options = el.options || [];
  const groups = (el.option_groups || []).flatMap((g) => g.options);
  return [...options, ...groups].map((o) => ({ value: o.value, label: plain(o.text) }));
}

function selectEl(el, options, selected, onchange, placeholder) {
  return h("select", {
    class: "el-select", "data-action-id": el.action_id, "aria-label": plain(el.placeholder) || placeholder || "Select",
    onchange: (e) => onchange(e.target.value),
  },
  h("option", { value: "", disabled: true, selected: !selected }, plain(el.placeholder) || placeholder || "Select an option"),
  options.map((o) => h("option", { value: o.value, selected: o.value === selected }, o.label)));
}

function overflowMenu(el, trigger) {
  const wrap = h("span", { class: "overflow-wrap" });
  wrap.append(h("button", { type: "button", class: "overflow-button", "data-action-id": el.action_id,
    "aria-label": "More options", onclick: (e) => {
      e.stopPropagation();
      document.querySelectorAll(".menu").forEach((m) => m.remove());
      wrap.append(h("div", { class: "menu", style: "right:0;top:28px" }, (el.options || []).map((o) =>
        h("button", { type: "button", onclick: () => {
          document.querySelectorAll(".menu").forEach((m) => m.remove());
          if (o.url) window.open(o.url, "_blank", "noopener");
          const go = () => trigger(o.value);
          if (el.confirm) confirmDialog(el.confirm).then((ok) => ok && go()); else go();
        } }, plain(o.text)))));
    } }, "⋯"));
  return wrap;
}

function choices(el, initial, onchange) {
  const multi = el.type === "checkboxes";
  const name = `${el.action_id}-${Math.random().toString(36).slice(2)}`;
  const selected = new Set(initial || []);
  const wrap = h("div", { "data-action-id": el.action_id });
  for (const option of el.options || []) {
    const input = h("input", { type: multi ? "checkbox" : "radio", name, value: option.value,
      checked: selected.has(option.value) });
    input.addEventListener("change", () => {
      const values = [...wrap.querySelectorAll("input:checked")].map((i) => i.value);
      onchange(multi ? values : values[0]);
    });
    wrap.append(h("label", { class: "choice" }, input, h("span", {},
      textNode(option.text), option.description ? h("div", { class: "desc" }, plain(option.description)) : null)));
  }
  return wrap;
}

async function interact(el, context, value) {
  if (context.view) {
    if (context.view.type === "modal") rememberDraftsFromDom();
    return act("click_in_view", { view_id: context.view.id, action_id: el.action_id, value });
  }
  return act("click", { channel: context.channel.id, message_ts: context.message.ts, action_id: el.action_id, value });
}

function confirmDialog(confirm, style) {
  return new Promise((resolve) => {
    const overlay = $("dialog-overlay");
    const done = (ok) => { overlay.hidden = true; overlay.replaceChildren(); resolve(ok); };
    const danger = confirm.style === "danger" || style === "danger";
    overlay.replaceChildren(h("div", { class: "modal dialog", role: "dialog", "aria-modal": "true" },
      h("div", { class: "modal-header" }, h("h2", {}, plain(confirm.title) || "Are you sure?")),
      h("div", { class: "modal-body" }, textNode(confirm.text)),
      h("div", { class: "modal-footer" },
        h("button", { type: "button", class: "btn", onclick: () => done(false) }, plain(confirm.deny) || "Cancel"),
        h("button", { type: "button", class: `btn ${danger ? "danger" : "primary"}`, onclick: () => done(true) },
          plain(confirm.confirm) || "Yes"))));
    overlay.hidden = false;
  });
}

// -- Modals ---------------------------------------------------------------------------------

function topModal() {
  const modals = app.state.modals.filter((v) => v.type === "modal");
  return modals.length ? modals[modals.length - 1] : null;
}

function renderModal() {
  const overlay = $("modal-overlay");
  const view = topModal();
  if (!view) {
    overlay.hidden = true;
    overlay.replaceChildren();
    app.rendered.modal = null;
    return;
  }
  once("modal", JSON.stringify([view.id, view.hash, view.errors]), () => {
    rememberDraftsFromDom();
    const stack = app.state.modals.filter((v) => v.type === "modal");
    const form = h("form", { class: "modal", role: "dialog", "aria-modal": "true", "data-view-id": view.id,
      onsubmit: (e) => { e.preventDefault(); submitModal(view); } },
      h("div", { class: "modal-header" },
        h("div", { class: "app-icon" }, "⚡"),
        h("h2", {}, plain(view.title)),
        h("button", { type: "button", class: "close-x", title: "Close", onclick: () => closeModal(view) }, "×")),
      h("div", { class: "modal-body" }, renderBlocks(view.blocks, { view })),
      h("div", { class: "modal-footer" },
        h("button", { type: "button", class: "btn", onclick: () => closeModal(view) },
          stack.length > 1 && !view.close ? "Back" : plain(view.close) || "Cancel"),
        view.submit ? h("button", { type: "submit", class: "btn primary" }, plain(view.submit)) : null));
    overlay.replaceChildren(form);
    overlay.hidden = false;
    const first = form.querySelector(".modal-body input:not([type=checkbox]):not([type=radio]), .modal-body textarea");
    if (first && !form.contains(document.activeElement)) first.focus();
  });
}

function draftFor(view) {
  if (!app.drafts[view.id]) app.drafts[view.id] = {};
  return app.drafts[view.id];
}

function initialValue(el, view, blockId) {
  const draft = (app.drafts[view.id] || {})[blockId];
  if (draft && el.action_id in draft) return draft[el.action_id];
  const saved = ((view.state || {}).values || {})[blockId];
  const state = saved && saved[el.action_id];
  if (state) {
    if ("value" in state) return state.value;
    if (state.selected_option) return state.selected_option.value;
    if (state.selected_options) return state.selected_options.map((o) => o.value);
    if ("selected_user" in state) return state.selected_user;
    if ("selected_users" in state) return state.selected_users;
    if ("selected_date" in state) return state.selected_date;
    if ("selected_time" in state) return state.selected_time;
    if ("selected_conversation" in state) return state.selected_conversation;
    if ("selected_channel" in state) return state.selected_channel;
  }
  if (el.initial_value !== undefined) return el.initial_value;
  if (el.initial_option) return el.initial_option.value;
  if (el.initial_options) return el.initial_options.map((o) => o.value);
  if (el.initial_user) return el.initial_user;
  if (el.initial_users) return el.initial_users;
  if (el.initial_date) return el.initial_date;
  if (el.initial_time) return el.initial_time;
  if (el.initial_date_time) return el.initial_date_time;
  if (el.initial_conversation) return el.initial_conversation;
  if (el.initial_channel) return el.initial_channel;
  return el.type && (el.type.startsWith("multi_") || el.type === "checkboxes") ? [] : "";
}

function inputBlock(block, context) {
  const view = context.view;
  const el = block.element;
  const blockId = block.block_id;
  const error = view && view.errors && view.errors[blockId];
  const set = (value) => {
    if (!view) return;
    const draft = draftFor(view);
    draft[blockId] = { ...(draft[blockId] || {}), [el.action_id]: value };
    const wrapper = document.querySelector(`[data-block-id="${CSS.escape(blockId)}"]`);
    if (wrapper) { wrapper.classList.remove("has-error"); const e = wrapper.querySelector(".field-error"); if (e) e.remove(); }
    if (block.dispatch_action) act("click_in_view", { view_id: view.id, action_id: el.action_id, value });
  };
  const value = view ? initialValue(el, view, blockId) : "";
  const users = app.state.users.filter((u) => !u.is_bot);
  const id = `in-${blockId}`;
  let control;
  switch (el.type) {
    case "plain_text_input":
    case "email_text_input":
    case "url_text_input":
    case "number_input": {
      const type = { email_text_input: "email", url_text_input: "url", number_input: "number" }[el.type] || "text";
      control = el.multiline
        ? h("textarea", { class: "el-input", id, placeholder: plain(el.placeholder), maxlength: el.max_length })
        : h("input", { class: "el-input", id, type, placeholder: plain(el.placeholder), maxlength: el.max_length });
      control.value = value || "";
      control.addEventListener("input", (e) => set(e.target.value));
      break;
    }
    case "static_select":
    case "external_select":
      control = selectEl(el, optionsOf(el), value, set);
      break;
    case "multi_static_select":
    case "multi_external_select":
      control = multiSelect(el, optionsOf(el), value, set);
      break;
    case "users_select":
      control = selectEl(el, users.map((u) => ({ value: u.id, label: `${u.real_name} (@${u.name})` })), value, set, "Select a person");
      break;
    case "multi_users_select":
      control = multiSelect(el, users.map((u) => ({ value: u.id, label: `${u.real_name} (@${u.name})` })), value, set);
      break;
    case "conversations_select":
    case "channels_select":
      control = selectEl(el, app.state.channels.filter((c) => !c.is_im).map((c) => ({ value: c.id, label: "#" + c.name })), value, set, "Select a channel");
      break;
    case "multi_conversations_select":
    case "multi_channels_select":
      control = multiSelect(el, app.state.channels.filter((c) => !c.is_im).map((c) => ({ value: c.id, label: "#" + c.name })), value, set);
      break;
    case "checkboxes":
    case "radio_buttons":
      control = choices(el, el.type === "checkboxes" ? value : [value], set);
      break;
    case "datepicker":
      control = h("input", { class: "el-input", id, type: "date", value: value || "", onchange: (e) => set(e.target.value) });
      break;
    case "timepicker":
      control = h("input", { class: "el-input", id, type: "time", value: value || "", onchange: (e) => set(e.target.value) });
      break;
    case "datetimepicker": {
      const seconds = parseInt(value, 10);
      const local = Number.isFinite(seconds) ? new Date(seconds * 1000 - new Date().getTimezoneOffset() * 60000).toISOString().slice(0, 16) : "";
      control = h("input", { class: "el-input", id, type: "datetime-local", value: local,
        onchange: (e) => set(String(Math.floor(new Date(e.target.value).getTime() / 1000))) });
      break;
    }
    default:
      control = h("div", { class: "b-context" }, `[${el.type} input]`);
  }
  control.dataset.actionId = el.action_id;
  return h("div", { class: `input-block${error ? " has-error" : ""}`, "data-block-id": blockId },
    h("label", { class: "b-label", for: id }, plain(block.label),
      block.optional ? h("span", { class: "optional" }, " (optional)") : null),
    control,
    block.hint ? h("div", { class: "b-hint" }, plain(block.hint)) : null,
    error ? h("div", { class: "field-error", role: "alert" }, "⚠ ", error) : null);
}

function multiSelect(el, options, selected, onchange) {
  const chosen = new Set(selected || []);
  return h("select", { class: "el-select", multiple: true, "aria-label": plain(el.placeholder) || "Select",
    onchange: (e) => onchange([...e.target.selectedOptions].map((o) => o.value)) },
  options.map((o) => h("option", { value: o.value, selected: chosen.has(o.value) }, o.label)));
}

function rememberDraftsFromDom() {
  // Inputs keep their values in app.drafts as the person types; nothing else to collect.
}

function isEmpty(value) {
  return value === "" || value === null || value === undefined || (Array.isArray(value) && !value.length);
}

async function submitModal(view) {
  const values = {};
  const errors = {};
  for (const block of view.blocks.filter((b) => b.type === "input")) {
    const el = block.element;
    const value = initialValue(el, view, block.block_id);
    if (isEmpty(value)) {
      if (!block.optional) errors[block.block_id] = "Please complete this required field.";
      if (el.type === "checkboxes" || el.type.startsWith("multi_")) values[block.block_id] = { [el.action_id]: [] };
      continue;
    }
    values[block.block_id] = { [el.action_id]: value };
  }
  if (Object.keys(errors).length) {
    for (const [blockId, message] of Object.entries(errors)) {
      const wrapper = document.querySelector(`[data-block-id="${CSS.escape(blockId)}"]`);
      if (!wrapper || wrapper.querySelector(".field-error")) continue;
      wrapper.classList.add("has-error");
      wrapper.append(h("div", { class: "field-error", role: "alert" }, "⚠ ", message));
    }
    return;
  }
  const button = document.querySelector("#modal-overlay button[type=submit]");
  if (button) button.disabled = true;
  const result = await act("submit_view", { view_id: view.id, values });
  if (button) button.disabled = false;
  if (result && result.ok && !result.response_action) delete app.drafts[view.id];
}

async function closeModal(view) {
  delete app.drafts[view.id];
  await act("close_view", { view_id: view.id });
}

// -- The composer ---------------------------------------------------------------------------

function commands() {
  return ((app.state.app.features || {}).slash_commands || []);
}

function linkifyForCommand(text) {
  return text.replace(/(^|\s)@([a-z0-9._-]+)/g, (whole, space, name) => {
    const user = userByName(name);
    return user ? `${space}<@${user.id}|${user.name}>` : whole;
  });
}

async function send(input, threadTs) {
  const text = input.value.trim();
  if (!text) return;
  const channel = channelById(app.channel);
  input.value = "";
  autosize(input);
  hideCompletion(input);
  hideHint();
  if (text.startsWith("/")) {
    const [command, ...rest] = text.split(/\s+/);
    const spec = commands().find((c) => c.command === command);
    let args = text.slice(command.length).trim();
    if (spec && spec.should_escape) args = linkifyForCommand(args);
    if (!spec && commands().length) {
      toast(`${command} is not a valid command. Try ${commands().map((c) => c.command).join(", ")}.`, true);
      input.value = text;
      return;
    }
    void rest;
    await act("slash_command", { command, text: args, channel: channel.id });
    return;
  }
  const args = { channel: channel.is_im ? channel.id : channel.id, text };
  if (threadTs) args.thread_ts = threadTs;
  else app.jumpToEnd = true;
  await act("post_message", args);
}

function autosize(input) {
  input.style.height = "auto";
  input.style.height = Math.min(input.scrollHeight, 200) + "px";
}

function completionBox(input) {
  return input.closest(".composer-wrap").querySelector(".completion");
}

function hideCompletion(input) {
  const box = completionBox(input);
  box.hidden = true;
  app.completion = null;
}

function suggest(input) {
  const box = completionBox(input);
  const caret = input.selectionStart;
  const before = input.value.slice(0, caret);
  let items = [];
  let heading = "";
  let replaceFrom = 0;
  const slash = before.match(/^\/(\S*)$/);
  const at = before.match(/(?:^|\s)@([a-z0-9._-]*)$/i);
  if (slash) {
    heading = "Commands";
    replaceFrom = 0;
    items = commands().filter((c) => c.command.slice(1).startsWith(slash[1].toLowerCase())).map((c) => ({
      insert: c.command + " ", label: c.command, sub: `${c.usage_hint || ""} — ${c.description || ""}`,
    }));
  } else if (at) {
    heading = "People";
    replaceFrom = caret - at[1].length - 1;
    const q = at[1].toLowerCase();
    items = app.state.users.filter((u) => u.name.startsWith(q) || (u.real_name || "").toLowerCase().startsWith(q))
      .map((u) => ({ insert: `@${u.name} `, label: u.is_bot ? `${u.name} (app)` : u.real_name, sub: `@${u.name}${u.title ? " · " + u.title : ""}` }));
    items.push(...["here", "channel"].filter((w) => w.startsWith(q)).map((w) => ({ insert: `@${w} `, label: `@${w}`, sub: "notify everyone" })));
    items = items.slice(0, 8);
  }
  if (!items.length) { hideCompletion(input); return; }
  const selected = app.completion && app.completion.input === input ? Math.min(app.completion.selected, items.length - 1) : 0;
  app.completion = { input, items, selected, replaceFrom, caret };
  box.replaceChildren(h("div", { class: "completion-heading" }, heading), ...items.map((item, i) =>
    h("div", { class: `completion-item${i === selected ? " selected" : ""}`, "data-testid": "completion-item",
      onmousedown: (e) => { e.preventDefault(); complete(i); } },
    h("b", {}, item.label), h("span", { class: "sub" }, item.sub))));
  box.hidden = false;
}

function complete(index) {
  const c = app.completion;
  if (!c) return;
  const item = c.items[index];
  const input = c.input;
  input.value = input.value.slice(0, c.replaceFrom) + item.insert + input.value.slice(c.caret);
  const pos = c.replaceFrom + item.insert.length;
  input.setSelectionRange(pos, pos);
  hideCompletion(input);
  input.focus();
}

function wireComposer(input, form, threadTs) {
  input.addEventListener("input", () => { autosize(input); if (input.value) hideHint(); suggest(input); });
  // Hide a little later (a click on a suggestion blurs the input first), and only if the input
  // is still not focused by then: an old blur must not hide suggestions made since.
  input.addEventListener("blur", () => setTimeout(() => {
    if (document.activeElement !== input) hideCompletion(input);
  }, 150));
  input.addEventListener("keydown", (e) => {
    const c = app.completion;
    if (c && c.input === input) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        c.selected = (c.selected + (e.key === "ArrowDown" ? 1 : c.items.length - 1)) % c.items.length;
        suggest(input);
        return;
      }
      if (e.key === "Tab") { e.preventDefault(); complete(c.selected); return; }
      if (e.key === "Escape") { hideCompletion(input); return; }
    }
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      send(input, threadTs);
    }
  });
  void form;
}

// -- Hint and toasts ------------------------------------------------------------------------

function showHint() {
  const text = app.state.hint;
  if (!text || localStorage.getItem("sandbox.hint.dismissed")) return;
  const hint = $("hint");
  hint.replaceChildren(h("div", {}, mrkdwnNode(text)),
    h("div", { class: "hint-actions" }, h("button", { type: "button", onclick: hideHint }, "Got it")));
  hint.hidden = false;
}

function hideHint() {
  $("hint").hidden = true;
  localStorage.setItem("sandbox.hint.dismissed", "1");
}

function toast(text, error = false) {
  const node = h("div", { class: `toast${error ? " error" : ""}`, role: "status" }, text);
  $("toasts").append(node);
  setTimeout(() => node.remove(), 6000);
}

// -- Start ----------------------------------------------------------------------------------

function start() {
  const input = $("composer-input");
  wireComposer(input, $("composer"), null);
  $("composer").addEventListener("submit", (e) => { e.preventDefault(); send(input, null); });
  $("you-are").addEventListener("change", (e) => {
    app.user = e.target.value;
    localStorage.setItem("sandbox.user", app.user);
    app.rendered = {};
    app.pane = null;
    app.thread = null;
    if (app.view === "home") app.view = "channel";
    if (app.poll) app.poll.abort();
    refresh();
  });
  $("browse-button").addEventListener("click", () => {
    app.view = "browse"; app.pane = null; app.rendered = {}; render();
  });
  document.addEventListener("keydown", (e) => {
    if (e.key !== "Escape") return;
    const view = app.state && topModal();
    if (view && $("dialog-overlay").hidden) closeModal(view);
  });
  window.addEventListener("hashchange", followLink);
  refresh().then(pollForever);
}

start();
