/**
 * The browser half of the proof of work (see core's pow.ts): a small script
 * served from our own origin, so the CSP needs no exception and no third
 * party sees who files notices. It starts solving as soon as the form loads,
 * in batches of Web Crypto digests, and holds the form's submission until the
 * proof is ready.
 */
import { Hono } from "hono";

export const script = `"use strict";
(() => {
  const form = document.querySelector("form[data-pow]");
  if (!form) return;
  const field = form.querySelector("input[name=proof]");
  const status = document.getElementById("pow-status");
  const challenge = form.dataset.pow;
  const bits = Number(form.dataset.powBits);
  const encoder = new TextEncoder();
  const zeroBits = (bytes) => {
    let count = 0;
    for (const byte of bytes) {
      if (byte !== 0) return count + Math.clz32(byte) - 24;
      count += 8;
    }
    return count;
  };
  const digest = async (nonce) => {
    const proof = challenge + ":" + nonce;
    const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(proof)));
    return zeroBits(hash) >= bits ? proof : undefined;
  };
  const solved = (async () => {
    for (let start = 0; ; start += 256) {
      const found = (await Promise.all(Array.from({ length: 256 }, (_, i) => digest(start + i)))).find(Boolean);
      if (found) return (field.value = found);
    }
  })();
  let waiting = false;
  form.addEventListener("submit", (event) => {
    if (field.value) return;
    event.preventDefault();
    if (waiting) return;
    waiting = true;
    status.textContent = "Finishing a short anti-abuse check, then sending…";
    solved.then(() => form.submit());
  });
})();
`;

export const powAssets = new Hono().get("/assets/pow.js", (c) => {
  c.header("Cache-Control", "public, max-age=3600");
  return c.body(script, 200, { "Content-Type": "text/javascript; charset=utf-8" });
});
