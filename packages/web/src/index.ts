export { app, type App } from "./app";
