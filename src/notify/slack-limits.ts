/**
 * Slack's documented Block Kit limits that vnetops' messages and modals can reach
 * (api.slack.com/reference/block-kit: blocks, block elements, composition objects, views).
 * Payloads over any of them are rejected by Slack (`invalid_blocks`), so the renderer cuts first.
 */
export const SLACK_LIMITS = {
  /** Blocks in one message. */
  messageBlocks: 50,
  /** Blocks in one modal view. */
  modalBlocks: 100,
  /** A message's top-level `text`. Slack truncates at 40,000; we keep the notification text far shorter. */
  messageText: 3000,
  /** Header block's plain_text. */
  headerText: 150,
  /** Section block's text. */
  sectionText: 3000,
  /** Fields of one section. */
  sectionFields: 10,
  /** Each section field's text. */
  fieldText: 2000,
  /** Elements of one context block. */
  contextElements: 10,
  /** Any text object (context elements included). */
  textObject: 3000,
  /** Elements of one actions block. */
  actionsElements: 25,
  buttonText: 75,
  actionId: 255,
  buttonValue: 2000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  /** Modal title, submit and close texts. */
  viewTitle: 24,
  privateMetadata: 3000,
  callbackId: 255,
  blockId: 255,
  inputLabel: 2000,
  inputHint: 2000,
  placeholder: 150,
  /** plain_text_input's `max_length` ceiling. */
  plainTextInputMax: 3000,
  /** Options of a static_select. */
  selectOptions: 100,
  optionText: 75,
  optionValue: 150,
} as const;
