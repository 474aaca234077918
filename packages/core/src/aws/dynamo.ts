import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { config } from "../config";
import { clientOptions } from "./credentials";

let client: DynamoDBDocumentClient | undefined;

export function dynamo(): DynamoDBDocumentClient {
  client ??= DynamoDBDocumentClient.from(
    new DynamoDBClient(clientOptions(config().dynamoEndpoint)),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  return client;
}
