// The console page: a small Slack client for one workspace. It fetches the workspace as the chosen
// person sees it (GET /console/api/state), re-fetches on every change the server announces
// (server-sent events) and sends what the person does (commands, clicks, modal submissions) to the
// console API, which passes it to the bot exactly as Slack would.
import { readInputs, renderBlocks } from './blocks.js';
import { renderMrkdwn } from './mrkdwn.js';

const view = {
  state: null,
  user: new URLSearchParams(location.search).get('user') ?? localStorage.getItem('vnetops-console-user'),
  channel: new URLSearchParams(location.search).get('channel'),
  thread: null,
  seen: new Map(),
};

const $ = (id) => document.getElementById(id);

function element(tag, className, children = []) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  for (const child of children) node.append(child);
  return node;
}

async function api(path, body) {
  const response = await fetch(`/console/api/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
  if (!response.ok) throw new Error(answer.error ?? `HTTP ${response.status}`);
  return answer;
}

/** A line under the composer: what went wrong (the bot down, a bad click), or a quiet hint. */
function notice(text, isError = true) {
  const node = $('notice');
  node.textContent = text;
  node.classList.toggle('error', isError);
}

function context() {
  const users = new Map(view.state.users.map((user) => [user.id, user]));
  users.set(view.state.bot.userId, { name: view.state.bot.name });
  return { users, channels: new Map(view.state.channels.map((channel) => [channel.id, channel])) };
}

function isReply(message) {
  return message.thread_ts !== undefined && message.thread_ts !== message.ts;
}

function timeOf(ts) {
  return new Date(Number(ts) * 1000).toLocaleTimeString();
}

function authorOf(message) {
  if (message.bot_id || message.user === view.state.bot.userId)
    return element('span', 'author', [view.state.bot.name, element('span', 'app-tag', ['APP'])]);
  const user = view.state.users.find((candidate) => candidate.id === message.user);
  return element('span', 'author', [user?.realName ?? message.user]);
}

/** Slack's confirmation dialog of a button (`confirm`): resolves true when the person confirms. */
function confirmDialog(dialog) {
  const backdrop = $('confirm-backdrop');
  $('confirm-title').textContent = dialog.title?.text ?? 'Are you sure?';
  $('confirm-text').replaceChildren(
    dialog.text?.type === 'mrkdwn'
      ? renderMrkdwn(dialog.text.text, context())
      : document.createTextNode(dialog.text?.text ?? ''),
  );
  $('confirm-ok').textContent = dialog.confirm?.text ?? 'Yes';
  $('confirm-ok').className = dialog.style === 'danger' ? 'danger' : 'primary';
  $('confirm-deny').textContent = dialog.deny?.text ?? 'Cancel';
  backdrop.hidden = false;
  return new Promise((resolve) => {
    const answer = (yes) => {
      backdrop.hidden = true;
      $('confirm-ok').onclick = null;
      $('confirm-deny').onclick = null;
      resolve(yes);
    };
    $('confirm-ok').onclick = () => answer(true);
    $('confirm-deny').onclick = () => answer(false);
  });
}

/** One message (channel, thread or ephemeral) with its blocks, files, marks and thread link. */
function renderMessage(message, channelId, inThread) {
  const ctx = context();
  ctx.confirm = confirmDialog;
  ctx.onAction = (spec, node) => {
    node.disabled = true;
    api('click', {
      user: view.state.me,
      channel: channelId,
      ts: message.ts,
      actionId: spec.action_id,
      value: spec.value,
    })
      .then((answer) =>
        answer.status === 200 ? notice('', false) : notice(`the bot answered ${answer.status}: ${answer.body ?? ''}`),
      )
      .catch((error) => notice(error.message))
      .finally(() => (node.disabled = false));
  };
  const node = element('article', `message${message.is_ephemeral ? ' ephemeral' : ''}`);
  node.dataset.ts = message.ts;
  const meta = element('div', 'meta', [authorOf(message), element('time', 'ts', [timeOf(message.ts)])]);
  if (message.edited) meta.append(element('span', 'edited', ['(edited)']));
  if (message.is_ephemeral) meta.append(element('span', 'only-you', ['Only visible to you']));
  if (message.subtype === 'thread_broadcast' && !inThread)
    meta.append(element('span', 'edited', ['replied to a thread']));
  node.append(meta, renderBlocks(message.blocks, message.text, ctx));
  for (const file of message.files ?? []) {
    node.append(
      element('details', 'file', [
        element('summary', '', [`📄 ${file.name} (${file.size} bytes)`]),
        element('pre', '', [file.content]),
      ]),
    );
  }
  if (!inThread && message.reply_count > 0) {
    const link = element('button', 'thread-link', [
      `${message.reply_count} ${message.reply_count === 1 ? 'reply' : 'replies'}`,
    ]);
    link.type = 'button';
    link.addEventListener('click', () => openThread(channelId, message.ts));
    node.append(link);
  }
  return node;
}

function renderSidebar() {
  const { state } = view;
  $('team-name').textContent = state.team.name;
  const switcher = $('user-switcher');
  switcher.replaceChildren(
    ...state.users.map(
      (user) =>
        new Option(`${user.realName}${user.label ? ` — ${user.label}` : ''}`, user.id, false, user.id === state.me),
    ),
  );
  $('channels').replaceChildren(
    ...state.channels.map((channel) => {
      const total = state.history[channel.id].filter((message) => !isReply(message)).length;
      const unread = channel.id === view.channel ? 0 : total - (view.seen.get(channel.id) ?? total);
      const link = element(
        'button',
        `channel${channel.id === view.channel ? ' active' : ''}${unread > 0 ? ' unread' : ''}`,
        [`${channel.isIm ? '@' : '#'} ${channel.name}`, unread > 0 ? element('span', 'badge', [String(unread)]) : ''],
      );
      link.type = 'button';
      link.dataset.channel = channel.id;
      link.addEventListener('click', () => {
        view.channel = channel.id;
        view.thread = null;
        render();
      });
      return link;
    }),
  );
}

function renderChannel() {
  const { state } = view;
  const channel = state.channels.find((candidate) => candidate.id === view.channel);
  $('channel-header').textContent = `# ${channel.name}`;
  const messages = state.history[channel.id].filter(
    (message) => !isReply(message) || message.subtype === 'thread_broadcast',
  );
  const ephemerals = state.ephemerals.filter(
    (message) =>
      message.channel === channel.id && (message.thread_ts === undefined || message.thread_ts === message.ts),
  );
  const all = [...messages, ...ephemerals].sort((a, b) => Number(a.ts) - Number(b.ts));
  view.seen.set(channel.id, messages.filter((message) => !isReply(message)).length);
  const list = $('messages');
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.replaceChildren(
    ...(all.length
      ? all.map((message) => renderMessage(message, channel.id, false))
      : [element('p', 'empty', ['No messages yet. Type /vnet help below.'])]),
  );
  if (atBottom) list.scrollTop = list.scrollHeight;
  $('composer-input').placeholder = `Message #${channel.name} — try /vnet help`;
}

function renderThread() {
  const pane = $('thread-pane');
  if (!view.thread) {
    pane.hidden = true;
    return;
  }
  const { channel, ts } = view.thread;
  const history = view.state.history[channel] ?? [];
  const parent = history.find((message) => message.ts === ts);
  if (!parent) {
    view.thread = null;
    pane.hidden = true;
    return;
  }
  const replies = history.filter((message) => isReply(message) && message.thread_ts === ts);
  const ephemerals = view.state.ephemerals.filter((message) => message.channel === channel && message.thread_ts === ts);
  pane.hidden = false;
  $('thread-messages').replaceChildren(
    renderMessage(parent, channel, true),
    element('div', 'thread-divider', [`${replies.length} ${replies.length === 1 ? 'reply' : 'replies'}`]),
    ...[...replies, ...ephemerals]
      .sort((a, b) => Number(a.ts) - Number(b.ts))
      .map((message) => renderMessage(message, channel, true)),
  );
}

function openThread(channel, ts) {
  view.thread = { channel, ts };
  renderThread();
}

/** The modal on top of the person's screen, if the bot opened one. */
function renderModal() {
  const backdrop = $('modal-backdrop');
  const modal = view.state.view;
  if (!modal) {
    backdrop.hidden = true;
    backdrop.dataset.viewId = '';
    return;
  }
  // Keep what the person is typing: rebuild only when the view itself changed.
  const key = `${modal.id}:${modal.hash}:${JSON.stringify(modal.errors)}`;
  if (!backdrop.hidden && backdrop.dataset.viewKey === key) return;
  const previous = backdrop.dataset.viewId === modal.id && !backdrop.hidden ? readInputs($('modal-form')) : null;
  backdrop.dataset.viewKey = key;
  backdrop.dataset.viewId = modal.id;
  $('modal-title').textContent = modal.title?.text ?? '';
  $('modal-body').replaceChildren(renderBlocks(modal.blocks, '', { ...context(), errors: modal.errors ?? {} }));
  if (previous) restoreInputs($('modal-form'), previous);
  $('modal-submit').textContent = modal.submit?.text ?? 'Submit';
  $('modal-submit').hidden = !modal.submit;
  $('modal-close').textContent = modal.close?.text ?? 'Cancel';
  backdrop.hidden = false;
}

function restoreInputs(form, values) {
  for (const control of form.querySelectorAll(
    'input[name]:not([type=radio]):not([type=checkbox]), textarea[name], select[name]',
  )) {
    const [blockId, actionId] = control.name.split('\u0000');
    const value = values[blockId]?.[actionId];
    if (typeof value === 'string') control.value = value;
  }
}

function render() {
  const { state } = view;
  if (!state.channels.some((channel) => channel.id === view.channel)) view.channel = state.defaultChannel;
  document.title = `vnetops console — ${state.users.find((user) => user.id === state.me)?.realName ?? ''}`;
  renderSidebar();
  renderChannel();
  renderThread();
  renderModal();
}

let refreshing = null;
let again = false;
/** Fetches the state again; changes that arrive meanwhile are folded into one more fetch. */
async function refresh() {
  if (refreshing) {
    again = true;
    return refreshing;
  }
  refreshing = (async () => {
    do {
      again = false;
      try {
        view.state = await api(`state?user=${encodeURIComponent(view.user ?? '')}`);
        view.user = view.state.me;
        render();
        document.body.dataset.ready = 'true';
      } catch (error) {
        notice(`cannot reach the console server: ${error.message}`);
      }
    } while (again);
  })();
  await refreshing;
  refreshing = null;
}

async function send(text, threadTs) {
  const channel = view.channel;
  if (text.startsWith('/')) {
    notice(`sent ${text.split(/\s+/, 2).join(' ')} …`, false);
    const answer = await api('command', { user: view.state.me, channel, text });
    if (answer.status !== 200) notice(`the bot answered ${answer.status}${answer.body ? `: ${answer.body}` : ''}`);
    else notice('', false);
  } else {
    await api('message', { user: view.state.me, channel, text, ...(threadTs ? { threadTs } : {}) });
  }
}

function wireComposer(formId, inputId, threadTs) {
  $(formId).addEventListener('submit', (event) => {
    event.preventDefault();
    const input = $(inputId);
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    send(text, threadTs?.()).catch((error) => {
      notice(error.message);
      input.value = text;
    });
  });
}

function wire() {
  $('user-switcher').addEventListener('change', (event) => {
    view.user = event.target.value;
    localStorage.setItem('vnetops-console-user', view.user);
    void refresh();
  });
  wireComposer('composer', 'composer-input');
  wireComposer('thread-composer', 'thread-input', () => view.thread?.ts);
  $('thread-close').addEventListener('click', () => {
    view.thread = null;
    renderThread();
  });
  $('modal-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const modal = view.state.view;
    api('submit', { user: view.state.me, viewId: modal.id, values: readInputs($('modal-form')) })
      .then((answer) =>
        answer.outcome === 'failed' ? notice(`the bot did not accept the form (HTTP ${answer.status})`) : undefined,
      )
      .catch((error) => notice(error.message));
  });
  $('modal-close').addEventListener('click', () =>
    api('close', { user: view.state.me }).catch((error) => notice(error.message)),
  );
  const events = new EventSource('/console/api/events');
  events.addEventListener('change', () => void refresh());
  events.addEventListener('open', () => void refresh());
}

// Help text in the sidebar is mrkdwn too, so it reads like the bot's own messages.
$('hint').append(
  renderMrkdwn('Type `/vnet help` in the composer. Switch person above to approve as someone else.', {
    users: new Map(),
    channels: new Map(),
  }),
);
wire();
void refresh();
