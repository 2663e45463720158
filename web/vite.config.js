import { defineConfig } from "vite";

// The gateway serves dist/index.html at / and dist/assets/* at /assets/*.
export default defineConfig({
  base: "/",
  build: {
    outDir: "dist",
    assetsDir: "assets",
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    target: "es2022",
    assetsInlineLimit: 0,
  },
  server: { proxy: { "/api": "http://127.0.0.1:8000" } },
});
