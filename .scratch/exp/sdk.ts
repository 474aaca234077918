import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
export const handler = async () => DynamoDBDocumentClient.from(new DynamoDBClient({})).send(new GetCommand({TableName:"x",Key:{pk:"a"}}));
