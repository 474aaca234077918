/**
 * The browser half of the proof of work (see core's pow.ts), served from our
 * own origin so that the CSP needs no exception and no third party sees who
 * files notices. It starts solving as soon as the form loads, in batches of
 * Web Crypto digests, and holds the form's submission until the proof is ready.
 */
const form = document.querySelector<HTMLFormElement>("form[data-pow]");
const field = form?.querySelector<HTMLInputElement>("input[name=proof]");
const status = document.getElementById("pow-status");

if (form && field && status) {
  const challenge = form.dataset.pow ?? "";
  const bits = Number(form.dataset.powBits);
  const encoder = new TextEncoder();

  const zeroBits = (bytes: Uint8Array): number => {
    let count = 0;
    for (const byte of bytes) {
      if (byte !== 0) return count + Math.clz32(byte) - 24;
      count += 8;
    }
    return count;
  };

  const attempt = async (nonce: number): Promise<string | undefined> => {
    const proof = `${challenge}:${nonce}`;
    const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(proof)));
    return zeroBits(hash) >= bits ? proof : undefined;
  };

  const BATCH = 256;
  const solve = async () => {
    for (let start = 0; ; start += BATCH) {
      const found = (await Promise.all(Array.from({ length: BATCH }, (_, i) => attempt(start + i)))).find(Boolean);
      if (found) return (field.value = found);
    }
  };
  // Without Web Crypto (an old browser, a page not served over HTTPS) there is no proof to
  // wait for: the form goes without one, and the server's answer says why it was refused,
  // rather than leaving a button that never sends.
  const solved = solve().catch(() => undefined);

  let waiting = false;
  form.addEventListener("submit", (event) => {
    if (field.value) return;
    event.preventDefault();
    if (waiting) return;
    waiting = true;
    status.textContent = "Finishing a short anti-abuse check, then sending…";
    void solved.then(() => form.submit());
  });
}
