// Copies the pinned third-party files the console and GraphiQL load (package-lock.json)
// from node_modules into public/vendor, which govgraph serves: no page loads a CDN.
import { copyFileSync, mkdirSync, rmSync } from "node:fs";

const FILES = {
  "react.production.min.js": "react/umd/react.production.min.js",
  "react-dom.production.min.js": "react-dom/umd/react-dom.production.min.js",
  "graphiql.min.js": "graphiql/graphiql.min.js",
  "graphiql.min.css": "graphiql/graphiql.min.css",
  "plugin-explorer.umd.js": "@graphiql/plugin-explorer/dist/index.umd.js",
  "plugin-explorer.css": "@graphiql/plugin-explorer/dist/style.css",
  "echarts.min.js": "echarts/dist/echarts.min.js",
};

const here = new URL(".", import.meta.url).pathname;
rmSync(`${here}public/vendor`, { recursive: true, force: true });
mkdirSync(`${here}public/vendor`, { recursive: true });
for (const [name, source] of Object.entries(FILES)) {
  copyFileSync(`${here}node_modules/${source}`, `${here}public/vendor/${name}`);
}
console.log(`console: ${Object.keys(FILES).length} files in public/vendor`);
