/**
 * The address mail comes from, given the MailSender setting: SES sends from a
 * verified address, or from any address at a verified domain. The stacks
 * allow sending from exactly this address.
 */
export function fromAddress(sender: string): string {
  return sender.includes("@") ? sender : `takedowns@${sender}`;
}
