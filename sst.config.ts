/// <reference path="./.sst/platform/config.d.ts" />

/**
 * Takedown Desk on AWS. Each concern has its module in stacks/; this file
 * names the app and runs them in the order their resources depend on.
 */
export default $config({
  // SST refuses top-level imports in this file: modules are imported inside its functions.
  async app(input) {
    const { checkStage, isProtected } = await import("./stacks/stage");
    const stage = input?.stage ?? "";
    checkStage(stage);
    const production = isProtected(stage);
    return {
      name: "takedown-desk",
      home: "aws",
      // A protected stage keeps its table (the notices and decisions) if the stage is removed.
      removal: production ? "retain" : "remove",
      protect: production,
      // The version SST's platform is built against; a newer one arrives on purpose, not by a fresh install.
      providers: { aws: { version: "7.20.0" } },
    };
  },
  async run() {
    const { checkAccount } = await import("./stacks/stage");
    aws.getCallerIdentityOutput().accountId.apply((account) => checkAccount($app.stage, account));
    await import("./stacks/secrets");
    const { table } = await import("./stacks/storage");
    const { mailbox } = await import("./stacks/email");
    const { api, siteUrl } = await import("./stacks/api");
    await import("./stacks/jobs");
    await import("./stacks/mail-events");
    await import("./stacks/alarms");
    return {
      site: siteUrl,
      api: api.url,
      table: table.name,
      mailbox: mailbox.sender,
    };
  },
});
