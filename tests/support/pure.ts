import { Config, configure } from "@takedown/core/config";
import { SUITE_SETTINGS } from "./suite-settings";

// The engine-free tests need settings too (links and tokens are built from them), and no engines.
configure(Config.fromEnv({ ...process.env, ...SUITE_SETTINGS }));
