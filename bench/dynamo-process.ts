/**
 * dynalite in a process of its own, for bench/engines.ts's withDynamoApart:
 * it tells its parent its URL and serves until killed.
 */
import { startDynamo } from "../packages/local/src/engines";

const { url } = await startDynamo();
process.send!(url);
