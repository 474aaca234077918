import { Pow } from "@takedown/core";

/** The header an anonymous API client sends: a challenge, solved as a client would. */
export function proofOfWork(): { "proof-of-work": string } {
  const { challenge, bits } = Pow.issue();
  return { "proof-of-work": Pow.solve(challenge, bits) };
}
