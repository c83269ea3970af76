// Slack mrkdwn → DOM nodes. Text only ever becomes text nodes (never innerHTML), so nothing a bot or
// a host puts in a message can turn into markup. Covers what Slack renders: *bold*, _italic_,
// ~strike~, `code`, ```preformatted```, > quotes, <links|labels>, <@user>, <#channel>, <!here>,
// <!date^…|fallback> and the &amp; &lt; &gt; escapes.

/** Emoji shortcodes as Slack shows them: the ones vnetops uses, plus a few common ones. */
const EMOJI = {
  bell: '🔔',
  no_bell: '🔕',
  red_circle: '🔴',
  large_blue_circle: '🔵',
  large_green_circle: '🟢',
  large_yellow_circle: '🟡',
  rotating_light: '🚨',
  warning: '⚠️',
  white_check_mark: '✅',
  x: '❌',
  hourglass: '⌛',
  lock: '🔒',
  robot_face: '🤖',
  tada: '🎉',
};

/** `:name:` shortcodes replaced by their emoji; unknown ones stay as typed. */
function withEmoji(text) {
  return text.replace(/:([a-z0-9_+-]+):/g, (code, name) => EMOJI[name] ?? code);
}

/** Undoes Slack's three escapes. */
export function unescapeSlack(text) {
  return text.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
}

const INLINE = /`([^`\n]+)`|\*([^*\n]+)\*|(?<![A-Za-z0-9])_([^_\n]+)_(?![A-Za-z0-9])|~([^~\n]+)~|<([^<>\n]+)>/g;

function element(tag, className, children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  for (const child of children) node.append(child);
  return node;
}

/** `<…>` tokens: mentions, channels, broadcasts, dates and links. */
function special(token, context) {
  const [target, label] = token.split('|', 2);
  if (target.startsWith('@')) {
    const user = context.users.get(target.slice(1));
    return element('span', 'mention', [`@${label ?? user?.name ?? target.slice(1)}`]);
  }
  if (target.startsWith('#')) {
    const channel = context.channels.get(target.slice(1));
    return element('span', 'mention', [`#${label ?? channel?.name ?? target.slice(1)}`]);
  }
  if (target.startsWith('!date^')) {
    const seconds = Number(target.split('^')[1]);
    const shown = Number.isFinite(seconds) ? new Date(seconds * 1000).toLocaleString() : unescapeSlack(label ?? '');
    return element('time', 'date', [shown]);
  }
  if (target.startsWith('!'))
    return element('span', 'mention', [`@${label ?? target.slice(1).replace(/^subteam\^/, '')}`]);
  const url = unescapeSlack(target);
  if (/^https?:\/\//i.test(url)) {
    const link = element('a', '', [unescapeSlack(label ?? url)]);
    link.href = url;
    link.target = '_blank';
    link.rel = 'noopener noreferrer';
    return link;
  }
  return document.createTextNode(unescapeSlack(label ?? target));
}

/** Inline formatting of one stretch of text (no code fences inside). */
function inline(text, context) {
  const nodes = [];
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    if (match.index > last)
      nodes.push(document.createTextNode(withEmoji(unescapeSlack(text.slice(last, match.index)))));
    const [, code, bold, italic, strike, angle] = match;
    if (code !== undefined) nodes.push(element('code', '', [unescapeSlack(code)]));
    else if (bold !== undefined) nodes.push(element('strong', '', inline(bold, context)));
    else if (italic !== undefined) nodes.push(element('em', '', inline(italic, context)));
    else if (strike !== undefined) nodes.push(element('s', '', inline(strike, context)));
    else nodes.push(special(angle, context));
    last = match.index + match[0].length;
  }
  if (last < text.length) nodes.push(document.createTextNode(withEmoji(unescapeSlack(text.slice(last)))));
  return nodes;
}

/** Lines of text outside code fences: `>` lines become a quote, the rest keep their line breaks. */
function lines(text, context) {
  const nodes = [];
  let quote = null;
  text.split('\n').forEach((line, index, all) => {
    const quoted = /^(&gt;|>) ?/.exec(line);
    if (quoted) {
      quote ??= element('blockquote', '', []);
      if (quote.childNodes.length > 0) quote.append(document.createElement('br'));
      quote.append(...inline(line.slice(quoted[0].length), context));
      if (!nodes.includes(quote)) nodes.push(quote);
      return;
    }
    quote = null;
    nodes.push(...inline(line, context));
    if (index < all.length - 1) nodes.push(document.createElement('br'));
  });
  return nodes;
}

/**
 * Renders mrkdwn. `context.users` and `context.channels` are Maps from id to `{name}`, for mentions.
 * @returns {DocumentFragment}
 */
export function renderMrkdwn(text, context) {
  const fragment = document.createDocumentFragment();
  const parts = String(text).split('```');
  parts.forEach((part, index) => {
    // Odd parts sit between fences; an unclosed fence is shown as typed.
    if (index % 2 === 1 && index < parts.length - 1) {
      fragment.append(element('pre', '', [unescapeSlack(part.replace(/^\n/, ''))]));
    } else {
      const stretch = index % 2 === 1 ? '```' + part : part;
      // A line break right after a closing fence belongs to the fence.
      fragment.append(...lines(index > 0 ? stretch.replace(/^\n/, '') : stretch, context));
    }
  });
  return fragment;
}

/** Plain text (a `plain_text` object or a string) as one text node. */
export function renderPlain(text) {
  return document.createTextNode(typeof text === 'string' ? text : (text?.text ?? ''));
}

/** A text object of either kind. */
export function renderText(object, context) {
  if (!object) return document.createDocumentFragment();
  return object.type === 'mrkdwn' ? renderMrkdwn(object.text ?? '', context) : renderPlain(object);
}
