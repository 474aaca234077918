import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { clientOf, clientOptions } from "./client";

export const dynamo = /* @__PURE__ */ clientOf((config) =>
  DynamoDBDocumentClient.from(new DynamoDBClient(clientOptions(config, config.dynamoEndpoint)), {
    marshallOptions: { removeUndefinedValues: true },
  }),
);
