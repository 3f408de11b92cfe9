// Checks Teams messages for internal/webhook's tests with the adaptivecards package. Reads a JSON array
// of messages on stdin and writes a JSON array with, for each, the problems found: the message shape, the
// card's parse and validation events, and any part of the card the library did not keep when it
// serialised the card again (an unknown or misspelt property).
"use strict";

const AC = require("adaptivecards/dist/adaptivecards.js");
const assert = require("node:assert");

// problems lists what is wrong with one Teams message.
function problems(message) {
  const found = [];
  if (message.type !== "message" || !Array.isArray(message.attachments) || message.attachments.length !== 1) {
    return ["a Teams message has type message and one attachment"];
  }
  const attachment = message.attachments[0];
  if (attachment.contentType !== "application/vnd.microsoft.card.adaptive") {
    found.push(`unexpected contentType ${attachment.contentType}`);
  }
  const context = new AC.SerializationContext();
  const card = new AC.AdaptiveCard();
  card.parse(attachment.content, context);
  for (let i = 0; i < context.eventCount; i++) {
    found.push(`parse: ${context.getEventAt(i).message}`);
  }
  for (const event of card.validateProperties().validationEvents) {
    found.push(`validate: ${event.message}`);
  }
  try {
    assert.deepStrictEqual(card.toJSON(), attachment.content);
  } catch (err) {
    found.push(`not kept when serialised again: ${err.message}`);
  }
  return found;
}

const chunks = [];
process.stdin.on("data", (c) => chunks.push(c));
process.stdin.on("end", () => {
  const messages = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  process.stdout.write(JSON.stringify(messages.map(problems)));
});
