/** stacks/stage.ts: which stages are protected, which names are refused, and one account per protected stage. */
import { describe, expect, it } from "vitest";
import { Config } from "@takedown/core";
import { checkAccount, checkStage, isProtected, POLICIES, PROTECTED_STAGES, policy } from "../../stacks/stage";

describe("stages", () => {
  it("protects exactly the listed stages, and refuses names that only look like one of them", () => {
    expect(PROTECTED_STAGES).toEqual(["production"]);
    expect(isProtected("production")).toBe(true);
    for (const stage of ["prod", "Prod", "prd", "production2", "live", "main"]) {
      expect(isProtected(stage)).toBe(false);
      expect(() => checkStage(stage)).toThrow(/looks like production/);
    }
    for (const stage of ["production", "dev", "ana", "staging", "pr-42"]) expect(() => checkStage(stage)).not.toThrow();
  });

  it("keeps a protected stage in its own account, and every other stage out of it", () => {
    const accounts = { production: "111122223333" };
    expect(() => checkAccount("production", "111122223333", accounts)).not.toThrow();
    expect(() => checkAccount("production", "444455556666", accounts)).toThrow(
      /deploys to AWS account 111122223333 only/,
    );
    expect(() => checkAccount("dev", "111122223333", accounts)).toThrow(/belongs to the stage "production"/);
    expect(() => checkAccount("dev", "444455556666", accounts)).not.toThrow();
    // Until production's account is listed, nothing is refused.
    expect(() => checkAccount("dev", "111122223333", {})).not.toThrow();
  });

  it("gives production's functions the policies docs/workflow.md recommends, in settings config.ts accepts", () => {
    expect(Config.fromEnv(policy("production")).futureRulesNeedSecondApproval).toBe(true);
    expect(Config.fromEnv(policy("pr-42")).futureRulesNeedSecondApproval).toBe(false);
    for (const settings of Object.values(POLICIES)) expect(() => Config.fromEnv(settings ?? {})).not.toThrow();
  });
});
