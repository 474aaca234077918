/**
 * `npm run digest`: sends the operators' digest now, as the daily schedule
 * does (notices past REVIEW_SLA_HOURS, counter-notices due within two
 * business days or waiting for an operator); nothing when there is nothing
 * to say. `npm run digest -- show` prints it without sending.
 *
 * Against the local stack (`npm start` must be running: dynalite at
 * DYNAMODB_PORT, its mailbox at SES_PORT), or with --aws (or inside `sst
 * shell`) against DynamoDB and SES on AWS with the environment's credentials,
 * region, TABLE_NAME and MAIL_FROM.
 */
import { Digest } from "@takedown/core";
import { command, main, type Output } from "./cli";

const USAGE = `Usage:
  npm run digest             send the digest to the operators now
  npm run digest -- show     print what it would say, sending nothing
Add --aws to use DynamoDB and SES on AWS instead of the local stack.`;

function summary(digest: Digest.Digest): string {
  return `${digest.waiting.length} waiting, ${digest.closing.length} closing, ${digest.ready.length} ready`;
}

export function run(argv: string[], out: Output = console): Promise<number> {
  return command(argv.length && !argv[0]!.startsWith("-") ? argv : ["send", ...argv], out, {
    usage: USAGE,
    commands: {
      send: async (_given, out) => {
        const sent = await Digest.send();
        out.log(sent ? `Digest sent to the operators: ${summary(sent)}.` : "Nothing to say: no digest sent.");
      },
      show: async (_given, out) => {
        const now = new Date();
        const digest = await Digest.gather(now);
        out.log(
          Digest.isEmpty(digest) ? "Nothing to say: the digest would not be sent." : Digest.render(digest, now).text,
        );
      },
    },
  });
}

await main(import.meta.url, run);
