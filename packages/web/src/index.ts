export { app, servedRoutes, type App } from "./app";
