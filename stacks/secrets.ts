/**
 * Every secret and per-stage setting, set with `npx sst secret set NAME VALUE
 * --stage STAGE` (docs/deploy.md). A deploy stops and names the one missing.
 */
export const linkSecret = new sst.Secret("LinkSecret");
export const ingestToken = new sst.Secret("IngestToken");
export const operatorEmails = new sst.Secret("OperatorEmails");
/** A domain (mail from takedowns@ it) or one address that SES verifies. */
export const mailSender = new sst.Secret("MailSender");
/** Where people reach the site; empty means the CDN's address. */
export const publicUrl = new sst.Secret("PublicUrl", "");
/** Who is told when an alarm goes off (comma-separated); empty means the operators. */
export const alarmEmail = new sst.Secret("AlarmEmail", "");
