import { readdirSync } from "node:fs";
import js from "@eslint/js";
import jsxA11y from "eslint-plugin-jsx-a11y";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

// Imports go one way (bulletproof-react): shared code (components, hooks, lib, testing) -> features -> app.
// A feature never imports another feature: what two features share moves down into shared code.
const features = readdirSync(new URL("./src/features", import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

export default tseslint.config(
  { ignores: ["dist", "node_modules", "src/lib/api/schema"] },
  {
    files: ["**/*.{ts,tsx}"],
    extends: [js.configs.recommended, ...tseslint.configs.strictTypeChecked, jsxA11y.flatConfigs.strict],
    languageOptions: {
      ecmaVersion: 2022,
      globals: globals.browser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
      "@typescript-eslint/no-confusing-void-expression": "off",
      "jsx-a11y/label-has-associated-control": ["error", { assert: "either", depth: 4 }],
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
      "no-restricted-imports": ["error", { patterns: [{ group: ["./*/index", "**/index"], message: "No barrel files: import the module itself." }] }],
    },
  },
  {
    files: ["src/components/**", "src/hooks/**", "src/lib/**", "src/testing/**"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["@/features/*", "@/app/*"], message: "Shared code does not import features or the app." }] }],
    },
  },
  ...features.map((feature) => ({
    files: [`src/features/${feature}/**`],
    rules: {
      "no-restricted-imports": ["error", {
        patterns: [{
          group: ["@/app/*", ...features.filter((f) => f !== feature).map((f) => `@/features/${f}/*`)],
          message: "A feature imports shared code only, never another feature or the app.",
        }],
      }],
    },
  })),
  {
    files: ["*.config.{js,ts}", "scripts/*.mjs"],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
);
