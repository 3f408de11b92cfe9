// A webhook receiver for internal/webhook's tests. It verifies every delivery's Standard Webhooks
// signature with the standardwebhooks package (an implementation independent of the Go signer), checks
// CloudEvents bodies against their headers, and counts the distinct event ids it accepted per webhook.
//
//   WEBHOOK_SECRET=whsec_... node receiver.js    prints "listening PORT" once it listens on 127.0.0.1
//
//   POST /hook/NAME  a delivery to webhook NAME: 401 when the signature does not verify, else the next
//                  scripted status (with Retry-After when scripted), else 204
//   POST /script   {"statuses": [500, 500], "retryAfter": "1"}: answer the next verified deliveries so
//   GET  /stats    {"accepted": n, "distinct": ["NAME/id", ...], "invalid": n, "scripted": n}
"use strict";

const http = require("node:http");
const { Webhook } = require("standardwebhooks");

const webhook = new Webhook(process.env.WEBHOOK_SECRET);
const accepted = new Map(); // "NAME/id" -> number of accepted deliveries
let invalid = 0;
let scripted = 0;
let script = { statuses: [], retryAfter: "" };

// check verifies a delivery and returns the event id, or throws.
function check(req, body) {
  webhook.verify(body, req.headers);
  const id = req.headers["webhook-id"];
  if ((req.headers["content-type"] || "").startsWith("application/cloudevents+json")) {
    const event = JSON.parse(body);
    if (event.specversion !== "1.0" || event.id !== id) {
      throw new Error("CloudEvent id or specversion does not match the headers");
    }
  }
  return id;
}

function hook(name, req, res, body) {
  let id;
  try {
    id = check(req, body);
  } catch (err) {
    invalid++;
    process.stderr.write(`rejected: ${err.message}\n`);
    res.writeHead(401).end();
    return;
  }
  const status = script.statuses.shift();
  if (status !== undefined) {
    scripted++;
    res.writeHead(status, script.retryAfter ? { "Retry-After": script.retryAfter } : {}).end();
    return;
  }
  const key = `${name}/${id}`;
  accepted.set(key, (accepted.get(key) || 0) + 1);
  res.writeHead(204).end();
}

function stats(res) {
  const total = [...accepted.values()].reduce((a, b) => a + b, 0);
  const body = { accepted: total, distinct: [...accepted.keys()].sort(), invalid, scripted };
  res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(body));
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const body = Buffer.concat(chunks).toString("utf8");
    if (req.method === "POST" && req.url.startsWith("/hook/")) {
      hook(req.url.slice("/hook/".length), req, res, body);
    } else if (req.method === "POST" && req.url === "/script") {
      script = { statuses: [], retryAfter: "", ...JSON.parse(body) };
      res.writeHead(204).end();
    } else if (req.method === "GET" && req.url === "/stats") {
      stats(res);
    } else {
      res.writeHead(404).end();
    }
  });
});

server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
